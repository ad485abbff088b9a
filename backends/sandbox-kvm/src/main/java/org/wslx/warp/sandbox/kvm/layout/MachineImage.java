package org.wslx.warp.sandbox.kvm.layout;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything needed to start a sandbox VM for one guest image, independent of any hypervisor: the
 * memory contents, the CPU's long-mode state, the entry point and the callable functions. The same
 * description drives the Java monitor and the benchmark's peers.
 *
 * @param imageName  the guest image's name, for messages
 * @param layout     where the windows and the stack are
 * @param chunks     memory contents at load time
 * @param cpu        control and descriptor-table registers
 * @param entry      the runtime's entry stub ({@code warp_entry})
 * @param functions  function name to address, sorted by name
 * @param loadedBytes guest memory the image's segments occupy
 */
public record MachineImage(String imageName, SandboxLayout layout, List<MemoryChunk> chunks, LongModeEntry cpu,
        long entry, Map<String, Long> functions, long loadedBytes) {
    public MachineImage {
        chunks = List.copyOf(chunks);
        functions = Map.copyOf(new TreeMap<>(functions));
    }
}
