package dev.prefork.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Net::Server's {@code user} and {@code group}: who the supervisor becomes once its ports are bound,
 * resolved through the C library (so NSS sources such as LDAP count), and the switch itself, in the
 * only order that works (supplementary groups, then the group, then the user: after the user changes
 * nothing else may) and with no way back (real, effective and saved ids all set, then checked).
 * glibc applies each of these calls to every thread of the process, the JVM's own included.
 */
public final class Credentials {

    /** glibc x86_64/aarch64 {@code struct passwd}: pw_uid and pw_gid follow two pointers. */
    private static final long PW_UID = 16;
    private static final long PW_GID = 20;
    /** {@code struct group}: gr_gid follows two pointers. */
    private static final long GR_GID = 16;

    private static final class Calls {
        static final MethodHandle GETPWNAM = errnoCall("getpwnam", FunctionDescriptor.of(ADDRESS, ADDRESS));
        static final MethodHandle GETPWUID = errnoCall("getpwuid", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        static final MethodHandle GETGRNAM = errnoCall("getgrnam", FunctionDescriptor.of(ADDRESS, ADDRESS));
        static final MethodHandle GETGROUPLIST = Libc.call("getgrouplist",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle SETGROUPS = errnoCall("setgroups", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
        static final MethodHandle SETRESGID = errnoCall("setresgid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle SETRESUID = errnoCall("setresuid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        static final MethodHandle GETRESUID = errnoCall("getresuid", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle GETRESGID = errnoCall("getresgid", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle SETUID = errnoCall("setuid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    }

    private static MethodHandle errnoCall(String name, FunctionDescriptor descriptor) {
        return Libc.errnoCall(name, descriptor);
    }

    /** Whom to become: a user id, its primary group, and every group it holds (the primary one included). */
    public record Identity(int uid, int gid, int[] groups, String description) {
    }

    private Credentials() {
    }

    /**
     * Resolves Net::Server's {@code user} (a name or number) and {@code group} (names or numbers
     * separated by spaces; may be empty). With {@code group}, the process holds exactly those groups,
     * the first as its primary one, as Net::Server sets them; without it, the user's primary group and
     * the groups the system lists for it (initgroups), as su and init systems do.
     *
     * @throws IllegalArgumentException naming what does not exist
     */
    public static Identity resolve(String user, String group) {
        try (Arena arena = Arena.ofConfined()) {
            int uid;
            Integer userGid = null;
            String userName = null;
            MemorySegment passwd;
            if (user.matches("\\d+")) {
                uid = Integer.parseUnsignedInt(user);
                passwd = lookup(arena, Calls.GETPWUID, uid);
            } else {
                passwd = lookup(arena, Calls.GETPWNAM, arena.allocateFrom(user));
                if (passwd == null) {
                    throw new IllegalArgumentException("user='" + user + "' is not valid: the system knows no such user");
                }
                uid = passwd.get(JAVA_INT, PW_UID);
            }
            if (passwd != null) {
                userGid = passwd.get(JAVA_INT, PW_GID);
                userName = passwd.get(ADDRESS, 0).reinterpret(Integer.MAX_VALUE).getString(0);
            }
            List<String> groupWords = group.isBlank() ? List.of() : Arrays.asList(group.trim().split("\\s+"));
            Set<Integer> groups = new LinkedHashSet<>();
            for (String word : groupWords) {
                groups.add(groupId(arena, word));
            }
            int gid;
            if (!groups.isEmpty()) {
                gid = groups.iterator().next();
            } else if (userGid != null) {
                gid = userGid;
                groups.addAll(groupList(arena, userName, gid));
            } else {
                throw new IllegalArgumentException("user='" + user + "' has no entry in the system's user database, so it has"
                        + " no group of its own: give group too");
            }
            int[] all = groups.stream().mapToInt(Integer::intValue).toArray();
            return new Identity(uid, gid, all, "uid " + Integer.toUnsignedString(uid) + (userName != null ? " (" + userName + ")" : "")
                    + ", gid " + Integer.toUnsignedString(gid) + ", groups " + Arrays.toString(all));
        }
    }

    private static int groupId(Arena arena, String word) {
        if (word.matches("\\d+")) {
            return Integer.parseUnsignedInt(word);
        }
        MemorySegment entry = lookup(arena, Calls.GETGRNAM, arena.allocateFrom(word));
        if (entry == null) {
            throw new IllegalArgumentException("group='" + word + "' is not valid: the system knows no such group");
        }
        return entry.get(JAVA_INT, GR_GID);
    }

    /** What getpwnam and the like return (a struct in libc's static storage), or null for "no such entry". */
    private static MemorySegment lookup(Arena arena, MethodHandle call, Object key) {
        MemorySegment capture = arena.allocate(Libc.CAPTURE_LAYOUT);
        MemorySegment result;
        try {
            result = key instanceof Integer id
                    ? (MemorySegment) call.invokeExact(capture, (int) id)
                    : (MemorySegment) call.invokeExact(capture, (MemorySegment) key);
        } catch (Throwable t) {
            throw new IllegalStateException("user database lookup failed", t);
        }
        if (result.address() == 0) {
            int errno = Libc.errno(capture);
            // 0 and ENOENT/ESRCH/EBADF/EPERM all mean "not found" (getpwnam(3)); anything else is a broken database.
            if (errno != 0 && errno != 2 && errno != 3 && errno != 9 && errno != 1) {
                throw new IllegalStateException("user database lookup failed: " + Libc.strerror(errno));
            }
            return null;
        }
        return result.reinterpret(64);
    }

    private static List<Integer> groupList(Arena arena, String userName, int gid) {
        int size = 64;
        for (int attempt = 0; attempt < 4; attempt++) {
            MemorySegment groups = arena.allocate(JAVA_INT, size);
            MemorySegment count = arena.allocate(JAVA_INT);
            count.set(JAVA_INT, 0, size);
            int result;
            try {
                result = (int) Calls.GETGROUPLIST.invokeExact(arena.allocateFrom(userName), gid, groups, count);
            } catch (Throwable t) {
                throw new IllegalStateException("getgrouplist failed", t);
            }
            int found = count.get(JAVA_INT, 0);
            if (result >= 0) {
                List<Integer> list = new ArrayList<>(found);
                for (int i = 0; i < found; i++) {
                    list.add(groups.getAtIndex(JAVA_INT, i));
                }
                return list;
            }
            size = Math.max(found, size * 4); // too small: it says how many there are
        }
        throw new IllegalStateException("user " + userName + " is in too many groups");
    }

    /**
     * Becomes {@code identity} for good: supplementary groups, then real/effective/saved group, then
     * real/effective/saved user, then checks every id, and that setuid(0) now fails.
     *
     * @throws PosixException if a call fails, or the process could still regain root
     */
    public static void become(Identity identity) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment list = arena.allocate(JAVA_INT, Math.max(1, identity.groups().length));
            for (int i = 0; i < identity.groups().length; i++) {
                list.setAtIndex(JAVA_INT, i, identity.groups()[i]);
            }
            MemorySegment capture = arena.allocate(Libc.CAPTURE_LAYOUT);
            try {
                if ((int) Calls.SETGROUPS.invokeExact(capture, (long) identity.groups().length, list) != 0) {
                    throw Libc.failure("setgroups", capture);
                }
                int gid = identity.gid();
                if ((int) Calls.SETRESGID.invokeExact(capture, gid, gid, gid) != 0) {
                    throw Libc.failure("setresgid(" + Integer.toUnsignedString(gid) + ")", capture);
                }
                int uid = identity.uid();
                if ((int) Calls.SETRESUID.invokeExact(capture, uid, uid, uid) != 0) {
                    throw Libc.failure("setresuid(" + Integer.toUnsignedString(uid) + ")", capture);
                }
                int[] uids = ids(arena, Calls.GETRESUID);
                int[] gids = ids(arena, Calls.GETRESGID);
                for (int i = 0; i < 3; i++) {
                    if (uids[i] != uid || gids[i] != gid) {
                        throw new PosixException("after switching to " + identity.description() + " the ids are uid "
                                + Arrays.toString(uids) + " gid " + Arrays.toString(gids), 0, "not switched");
                    }
                }
                if (uid != 0 && (int) Calls.SETUID.invokeExact(capture, 0) == 0) {
                    throw new PosixException("setuid(0) succeeded after switching to " + identity.description(), 0,
                            "root could be regained");
                }
            } catch (PosixException e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("switching user failed", t);
            }
        }
    }

    private static int[] ids(Arena arena, MethodHandle call) throws Throwable {
        MemorySegment capture = arena.allocate(Libc.CAPTURE_LAYOUT);
        MemorySegment ids = arena.allocate(JAVA_INT, 3);
        if ((int) call.invokeExact(capture, ids.asSlice(0, 4), ids.asSlice(4, 4), ids.asSlice(8, 4)) != 0) {
            throw Libc.failure("getres*id", capture);
        }
        return new int[] {ids.getAtIndex(JAVA_INT, 0), ids.getAtIndex(JAVA_INT, 1), ids.getAtIndex(JAVA_INT, 2)};
    }
}
