package dev.prefork.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The processes of this machine as /proc shows them: enough to find an application server, its supervisors and their workers. */
public final class ProcessTable {

    private ProcessTable() {
    }

    public record Proc(long pid, long ppid, String cmdline, Path exe) {
        /** The value of {@code -Dname=value} on the command line, if present. */
        public Optional<String> systemProperty(String name) {
            for (String arg : cmdline.split("\0")) {
                if (arg.startsWith("-D" + name + "=")) {
                    return Optional.of(arg.substring(name.length() + 3));
                }
            }
            return Optional.empty();
        }
    }

    public static List<Proc> all() {
        List<Proc> procs = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                read(dir).ifPresent(procs::add);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return procs;
    }

    private static Optional<Proc> read(Path dir) {
        try {
            long ppid = ProcStat.read(dir.resolve("stat")).ppid();
            String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
            Path exe;
            try {
                exe = Files.readSymbolicLink(dir.resolve("exe"));
            } catch (IOException e) {
                exe = null;
            }
            return Optional.of(new Proc(Long.parseLong(dir.getFileName().toString()), ppid, cmdline, exe));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // it exited while we looked
        }
    }

    /** The WildFly JVM started from {@code jbossHome}. */
    public static Optional<Proc> wildfly(Path jbossHome) {
        return all().stream()
                .filter(p -> p.systemProperty("jboss.home.dir").map(h -> Path.of(h).normalize().equals(jbossHome.normalize())).orElse(false))
                .findFirst();
    }

    public static List<Proc> childrenOf(long pid) {
        return all().stream().filter(p -> p.ppid() == pid).toList();
    }

    /** Supervisor processes under {@code serverPid}, by endpoint name ({@code -Dprefork.name}). */
    public static Map<String, Proc> supervisors(long serverPid) {
        Map<String, Proc> byName = new LinkedHashMap<>();
        for (Proc child : childrenOf(serverPid)) {
            child.systemProperty("prefork.name").ifPresent(name -> byName.put(name, child));
        }
        return byName;
    }

    /** Worker processes of a supervisor ({@code -Dprefork.worker}). */
    public static List<Proc> workers(long supervisorPid) {
        return childrenOf(supervisorPid).stream().filter(p -> p.systemProperty("prefork.worker").isPresent()).toList();
    }

    /** Every process below {@code pid} (children, their children, ...). */
    public static List<Proc> descendants(long pid) {
        List<Proc> all = all();
        List<Proc> found = new ArrayList<>();
        List<Long> frontier = new ArrayList<>(List.of(pid));
        while (!frontier.isEmpty()) {
            long parent = frontier.remove(frontier.size() - 1);
            for (Proc p : all) {
                if (p.ppid() == parent) {
                    found.add(p);
                    frontier.add(p.pid());
                }
            }
        }
        return found;
    }

    /** The first process whose command line holds every one of {@code parts} (NUL-separated arguments). */
    public static Optional<Proc> withCommandLine(String... parts) {
        return all().stream().filter(p -> {
            for (String part : parts) {
                if (!p.cmdline().contains(part)) {
                    return false;
                }
            }
            return true;
        }).findFirst();
    }

    public static boolean alive(long pid) {
        return Files.exists(Path.of("/proc", Long.toString(pid), "stat"))
                && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
