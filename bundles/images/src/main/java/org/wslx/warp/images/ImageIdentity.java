package org.wslx.warp.images;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an extracted root filesystem says about itself: its name and version from os-release, and
 * the default user and name WSL's own configuration files ask for. Keys of those files that make no
 * sense for a WARP instance (shortcuts, terminal profiles, the first-run command, mounts) are listed
 * as ignored so a user can see why a setting had no effect.
 *
 * @param osName      PRETTY_NAME, else NAME, else empty
 * @param osVersion   VERSION_ID, else empty
 * @param defaultUser the user to run commands as, or null for root
 * @param attributes  facts for the manifest ({@code os.id}, {@code wsl.defaultName}, honoured and ignored keys)
 */
record ImageIdentity(String osName, String osVersion, String defaultUser, Map<String, String> attributes) {
    static final String DISTRIBUTION_CONF = "/etc/wsl-distribution.conf";
    static final String WSL_CONF = "/etc/wsl.conf";

    /** Files larger than this are not configuration; reading them whole would be a mistake. */
    private static final int MAX_CONFIG_BYTES = 1 << 20;

    static ImageIdentity read(Path root) throws IOException {
        Map<String, String> attributes = new LinkedHashMap<>();
        Map<String, String> osRelease = ConfigFiles.osRelease(
                readGuestFile(root, "/etc/os-release").or(() -> readQuietly(root, "/usr/lib/os-release")).orElse(""));
        String osName = osRelease.getOrDefault("PRETTY_NAME", osRelease.getOrDefault("NAME", ""));
        String osVersion = osRelease.getOrDefault("VERSION_ID", "");
        if (osRelease.containsKey("ID")) {
            attributes.put("os.id", osRelease.get("ID"));
        }
        String passwd = readGuestFile(root, "/etc/passwd").orElse("");

        String defaultUser = null;
        Optional<String> distributionText = readGuestFile(root, DISTRIBUTION_CONF);
        if (distributionText.isPresent()) {
            Map<String, String> conf = ConfigFiles.ini(distributionText.get());
            List<String> honoured = new ArrayList<>();
            String name = conf.get("oobe.defaultName");
            if (name != null && !name.isEmpty()) {
                attributes.put("wsl.defaultName", name);
                honoured.add("oobe.defaultName");
            }
            String uid = conf.get("oobe.defaultUid");
            if (uid != null) {
                String user = userForUid(passwd, uid);
                if (user != null) {
                    defaultUser = user;
                    honoured.add("oobe.defaultUid");
                } else {
                    // WSL creates this user in its first-run command, which an import does not run.
                    attributes.put("wsl.oobe.defaultUid.unresolved", uid + " is not in the image's /etc/passwd");
                }
            }
            record(attributes, "wsl-distribution.conf", conf, honoured);
        }

        Optional<String> wslConfText = readGuestFile(root, WSL_CONF);
        if (wslConfText.isPresent()) {
            Map<String, String> conf = ConfigFiles.ini(wslConfText.get());
            List<String> honoured = new ArrayList<>();
            String user = conf.get("user.default");
            if (user != null && !user.isEmpty()) {
                if (ConfigFiles.hasUser(passwd, user)) {
                    // WSL lets wsl.conf override the registered default user, so it wins here too.
                    defaultUser = user;
                    honoured.add("user.default");
                } else {
                    attributes.put("wsl.user.default.unresolved", user + " is not in the image's /etc/passwd");
                }
            }
            record(attributes, "wsl.conf", conf, honoured);
        }
        return new ImageIdentity(osName, osVersion, defaultUser, attributes);
    }

    private static String userForUid(String passwd, String uid) {
        try {
            return ConfigFiles.userNameForUid(passwd, Long.parseLong(uid.strip()));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static void record(Map<String, String> attributes, String file, Map<String, String> conf,
            List<String> honoured) {
        List<String> ignored = new ArrayList<>();
        for (String key : conf.keySet()) {
            if (honoured.stream().noneMatch(key::equalsIgnoreCase)) {
                ignored.add(key);
            }
        }
        attributes.put(file + ".honoured", String.join(",", honoured));
        attributes.put(file + ".ignored", String.join(",", ignored));
    }

    private static Optional<String> readQuietly(Path root, String guestPath) {
        try {
            return readGuestFile(root, guestPath);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> readGuestFile(Path root, String guestPath) throws IOException {
        Optional<Path> file = ConfinedPaths.regularFile(root, guestPath);
        if (file.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = Files.newInputStream(file.get())) {
            return Optional.of(new String(in.readNBytes(MAX_CONFIG_BYTES), StandardCharsets.UTF_8));
        }
    }
}
