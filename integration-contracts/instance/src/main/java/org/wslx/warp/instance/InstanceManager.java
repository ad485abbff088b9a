package org.wslx.warp.instance;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;
import org.wslx.warp.control.ExecRequest;
import org.wslx.warp.control.GuestProcess;

/**
 * The WARP service's instance registry and lifecycle, with {@code wsl.exe}'s verbs. Every failure
 * is an {@link InstanceException} whose message names the instance and the phase.
 */
@ProviderType
public interface InstanceManager {
    List<InstanceInfo> list();

    InstanceInfo info(String name) throws InstanceException;

    /** {@code --import NAME DIR TAR}: registers a new instance from a root filesystem tar or .wsl file. */
    InstanceInfo importInstance(String name, Path installDirectory, Path source) throws InstanceException;

    /** {@code --export NAME TAR}: writes the instance's root filesystem as a tar; stops it first. */
    void exportInstance(String name, Path target) throws InstanceException;

    /** {@code --unregister NAME}: stops the instance and deletes it and its root disk. */
    void unregister(String name) throws InstanceException;

    /** {@code --set-default NAME}. */
    void setDefault(String name) throws InstanceException;

    Optional<String> defaultInstance();

    /** Changes an instance's settings; they take effect at its next boot. */
    InstanceInfo configure(String name, InstanceSettings settings) throws InstanceException;

    /** Boots the instance if it is not running; returns once its agent is ready. */
    InstanceInfo start(String name) throws InstanceException;

    /** {@code --terminate NAME}: stops the instance (agent, then hypervisor, then kill). */
    void terminate(String name) throws InstanceException;

    /** {@code --shutdown}: stops every instance. */
    void shutdownAll();

    /** Runs a process in the instance, booting it first if needed. */
    GuestProcess exec(String name, ExecRequest request) throws InstanceException;
}
