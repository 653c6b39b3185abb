public class I1 { public static void main(String[] a) throws Exception { System.out.println(System.inheritedChannel()); } }
