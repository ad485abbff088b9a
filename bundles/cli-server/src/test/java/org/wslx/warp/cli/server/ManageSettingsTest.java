package org.wslx.warp.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.wslx.warp.cli.server.Invocation.Verb;
import org.wslx.warp.instance.InstanceSettings;

class ManageSettingsTest {
    private static final InstanceSettings CURRENT = new InstanceSettings("qemu", 2, 1024, 60);

    @Test
    void manageNamesTheInstanceTheSettingAndItsValue() throws UsageException {
        Invocation call = CommandLineParser.parse(List.of("--manage", "box", "--set-backend", "kvm"));
        assertEquals(Verb.MANAGE, call.verb());
        assertEquals("box", call.instance());
        assertEquals(List.of("--set-backend", "kvm"), call.paths());
    }

    @Test
    void eachSettingChangesOnlyItself() throws UsageException {
        assertEquals(new InstanceSettings("kvm", 2, 1024, 60), InstanceSettingsChange.apply(CURRENT, "--set-backend", "kvm"));
        assertEquals(new InstanceSettings("qemu", 2, 256, 60), InstanceSettingsChange.apply(CURRENT, "--set-memory", "256"));
        assertEquals(new InstanceSettings("qemu", 4, 1024, 60), InstanceSettingsChange.apply(CURRENT, "--set-cpus", "4"));
    }

    @Test
    void badManageLinesSayWhatIsWrong() {
        String unknown = assertThrows(UsageException.class,
                () -> CommandLineParser.parse(List.of("--manage", "box", "--set-sparse", "true"))).getMessage();
        assertTrue(unknown.contains("cannot change '--set-sparse'"), unknown);
        String missing = assertThrows(UsageException.class,
                () -> CommandLineParser.parse(List.of("--manage", "box", "--set-memory"))).getMessage();
        assertTrue(missing.contains("'--set-memory' needs a value"), missing);
        String notNumber = assertThrows(UsageException.class,
                () -> InstanceSettingsChange.apply(CURRENT, "--set-memory", "lots")).getMessage();
        assertEquals("'--set-memory' needs a positive number of MiB, not 'lots'", notNumber);
        String badName = assertThrows(UsageException.class,
                () -> InstanceSettingsChange.apply(CURRENT, "--set-backend", "../x")).getMessage();
        assertTrue(badName.contains("not '../x'"), badName);
    }
}
