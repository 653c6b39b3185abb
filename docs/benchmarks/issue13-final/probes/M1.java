import java.nio.channels.FileChannel; import java.nio.file.*;
public class M1 { public static void main(String[] a) throws Exception { try (FileChannel c = FileChannel.open(Path.of("/tmp/p9/sb"), StandardOpenOption.READ, StandardOpenOption.WRITE)) { var b = c.map(FileChannel.MapMode.READ_WRITE, 0, 4096); b.putInt(8, 42); System.out.println(b.getInt(8)); } } }
