package org.wslx.warp.image;

import java.util.Map;

/**
 * What is known about an image: which personality boots it and what the image says about itself.
 * Stored next to the image as JSON.
 *
 * @param personality the personality that boots it, e.g. {@code linux}
 * @param osName      the distribution's name (from /etc/os-release PRETTY_NAME or the image's own manifest)
 * @param osVersion   its version, or empty
 * @param defaultUser the user commands run as unless told otherwise ({@code root} if the image names none)
 * @param attributes  further key/value facts (source format, wsl-distribution.conf keys honoured, ...)
 */
public record ImageManifest(String personality, String osName, String osVersion, String defaultUser,
        Map<String, String> attributes) {
    public ImageManifest {
        osName = osName == null ? "" : osName;
        osVersion = osVersion == null ? "" : osVersion;
        defaultUser = defaultUser == null || defaultUser.isEmpty() ? "root" : defaultUser;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
