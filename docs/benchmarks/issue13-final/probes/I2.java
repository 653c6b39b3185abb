public class I2 { public static void main(String[] a) throws Exception {
 long t0=System.nanoTime(); var p=java.nio.channels.spi.SelectorProvider.provider(); long t1=System.nanoTime();
 var c=(java.nio.channels.ServerSocketChannel)System.inheritedChannel(); long t2=System.nanoTime();
 var l=c.getLocalAddress(); long t3=System.nanoTime();
 System.out.println("provider "+(t1-t0)/1000+" inherited "+(t2-t1)/1000+" local "+(t3-t2)/1000); } }
