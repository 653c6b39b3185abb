import java.io.*;
import java.lang.foreign.*;
import java.lang.invoke.MethodHandle;
import java.net.*;
import java.nio.ByteBuffer;
import java.nio.channels.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import static java.lang.foreign.ValueLayout.*;

/**
 * Prototype for issue 13, lever 1: a worker on plain JDK APIs whose accepted socket the controlling
 * JVM takes with pidfd_open + pidfd_getfd, against the same worker that links the engine's FFM socket calls.
 *   java Proto child jdk|ffm PORT      (started by the parent)
 *   java Proto parent jdk|ffm PORT CONNS REPS
 */
public class Proto {
    public static void main(String[] a) throws Throwable {
        if (a[0].equals("child")) child(a[1], Integer.parseInt(a[2])); else parent(a[1], Integer.parseInt(a[2]), Integer.parseInt(a[3]), Integer.parseInt(a[4]));
    }

    // ---------------- child (the worker) ----------------
    static void child(String mode, int port) throws Throwable {
        if (mode.equals("ffm")) {
            // What a descriptor-mode worker links at start-up: the engine's socket calls.
            Class.forName("dev.prefork.posix.SocketCalls").getConstructor(Arena.class).newInstance(Arena.global());
        }
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
        int predicted = -1;
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);
        out.println("ready " + ProcessHandle.current().pid() + " 0");
        out.flush();
        while (true) {
            Map<Integer, String> before = predicted < 0 ? sockets() : null;
            SocketChannel client = listener.accept();
            if (predicted < 0) {
                // Learnt once: the descriptor that is new after the first accept; the next accepts reuse it
                // (the lowest free number, and we close each client before the next accept).
                Map<Integer, String> after = sockets();
                after.keySet().removeAll(before.keySet());
                predicted = after.keySet().iterator().next();
            }
            InetSocketAddress peer = (InetSocketAddress) client.getRemoteAddress();
            out.println(predicted + " " + peer.getPort());
            out.flush();
            String done = in.readLine();
            client.close();
            if (done == null) return;
        }
    }

    static Map<Integer, String> sockets() throws IOException {
        Map<Integer, String> found = new HashMap<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                try {
                    String target = Files.readSymbolicLink(p).toString();
                    if (target.startsWith("socket:")) found.put(Integer.parseInt(p.getFileName().toString()), target);
                } catch (IOException e) { }
            }
        }
        return found;
    }

    /** The number the next descriptor gets: the lowest one not open (scanned once, at start). */
    static int lowestFreeFd() throws IOException {
        Set<Integer> open = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) open.add(Integer.parseInt(p.getFileName().toString()));
        }
        // the directory stream's own descriptor is closed again now
        int fd = 0;
        while (open.contains(fd)) fd++;
        // the stream's descriptor was the lowest free one while it was open; it is free again
        return fd;
    }

    // ---------------- parent (the controlling JVM) ----------------
    static final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final MethodHandle SYSCALL3 = LINKER.downcallHandle(LIBC.find("syscall").orElseThrow(),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(1));
    static final MethodHandle WRITE = LINKER.downcallHandle(LIBC.find("write").orElseThrow(), FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle CLOSE = LINKER.downcallHandle(LIBC.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle GETPEERNAME = LINKER.downcallHandle(LIBC.find("getpeername").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    }

    static void parent(String mode, int port, int conns, int reps) throws Throwable {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String cp = System.getProperty("java.class.path");
        long[] startCpu = new long[reps];
        for (int r = 0; r < reps; r++) {
            List<String> cmd = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx16m", "-Xss256k", "-XX:CICompilerCount=1",
                    "-XX:ReservedCodeCacheSize=16m", "-XX:-UsePerfData", "-XX:+AutoCreateSharedArchive",
                    "-XX:SharedArchiveFile=/tmp/startup-probe/proto/child-" + mode + ".jsa", "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            if (mode.equals("ffm")) cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.addAll(List.of("-cp", cp, "Proto", "child", mode, Integer.toString(port)));
            Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader from = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII));
            Writer to = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.US_ASCII);
            String[] ready = from.readLine().split(" ");
            long pid = Long.parseLong(ready[1]);
            startCpu[r] = cpuMillis(pid);
            long pidfd = (long) Native.SYSCALL3.invokeExact(434L, pid, 0L, 0L); // pidfd_open
            if (pidfd < 0) throw new IllegalStateException("pidfd_open failed");
            long before = cpuMillis(pid), selfBefore = cpuMillis(ProcessHandle.current().pid());
            long t0 = System.nanoTime();
            int wrong = 0;
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment hi = arena.allocateFrom("hi\n");
                MemorySegment addr = arena.allocate(28); MemorySegment len = arena.allocate(JAVA_INT);
                Thread clients = new Thread(() -> {
                    for (int i = 0; i < conns; i++) {
                        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                            s.getInputStream().read(new byte[3]);
                            s.setSoLinger(true, 0);
                        } catch (IOException e) { throw new UncheckedIOException(e); }
                    }
                });
                clients.start();
                for (int i = 0; i < conns; i++) {
                    String[] line = from.readLine().split(" ");
                    long fd = (long) Native.SYSCALL3.invokeExact(438L, pidfd, Long.parseLong(line[0]), 0L); // pidfd_getfd
                    if (fd < 0) {
                        try (var l = Files.list(Path.of("/proc/" + pid + "/fd"))) { l.forEach(p -> { try { System.err.println(p + " -> " + Files.readSymbolicLink(p)); } catch (IOException e) { } }); }
                        throw new IllegalStateException("pidfd_getfd failed for fd " + line[0] + " predicted " + ready[2]);
                    }
                    len.set(JAVA_INT, 0, 28);
                    int rc = (int) Native.GETPEERNAME.invokeExact((int) fd, addr, len);
                    int peerPort = (addr.get(JAVA_BYTE, 2) & 0xff) << 8 | (addr.get(JAVA_BYTE, 3) & 0xff);
                    if (rc != 0 || peerPort != Integer.parseInt(line[1])) wrong++;
                    long n = (long) Native.WRITE.invokeExact((int) fd, hi, 3L);
                    int c = (int) Native.CLOSE.invokeExact((int) fd);
                    to.write("done\n"); to.flush();
                }
                clients.join();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            long childCpu = cpuMillis(pid) - before, selfCpu = cpuMillis(ProcessHandle.current().pid()) - selfBefore;
            child.destroy(); child.waitFor();
            System.out.printf("%s rep %d: child start CPU %d ms; %d conns %.0f/s, child %.0f us/conn, parent (incl. client) %.0f us/conn, wrong fd %d%n",
                    mode, r, startCpu[r], conns, conns / secs, childCpu * 1000.0 / conns, selfCpu * 1000.0 / conns, wrong);
        }
    }

    static long cpuMillis(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 1000 / 100;
    }
}
