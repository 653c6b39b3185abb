import dev.prefork.bench.load.*;
import java.time.Duration;
public class Silent {
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]);
        int silentN = Integer.parseInt(a[1]);
        LoadSpec silent = LoadSpec.of(port, Mode.SILENT, silentN, Duration.ofSeconds(8), true);
        Thread t = new Thread(() -> { try { System.out.println("silent: " + LoadGenerator.run(silent)); } catch (Exception e) { e.printStackTrace(); } });
        t.setDaemon(true); t.start();
        LoadSpec m = LoadSpec.of(port, Mode.CONN, 1, Duration.ofSeconds(2), true);
        System.out.println("warmup: " + LoadGenerator.run(m));
        System.out.println("measured: " + LoadGenerator.run(m.withDuration(Duration.ofSeconds(6))));
        t.join(20000);
    }
}
