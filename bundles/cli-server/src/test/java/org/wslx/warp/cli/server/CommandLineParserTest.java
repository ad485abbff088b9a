package org.wslx.warp.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.wslx.warp.cli.server.Invocation.Verb;

class CommandLineParserTest {
    private static Invocation parse(String... args) throws UsageException {
        return CommandLineParser.parse(List.of(args));
    }

    private static String error(String... args) {
        return assertThrows(UsageException.class, () -> parse(args)).getMessage();
    }

    @Test
    void nothingRunsALoginShellInTheDefaultInstance() throws UsageException {
        Invocation i = parse();
        assertEquals(Verb.LOGIN_SHELL, i.verb());
        assertNull(i.instance());
        assertEquals(List.of("/bin/sh", "-l"), i.command());
    }

    @Test
    void execFormsKeepTheArgumentsAsGiven() throws UsageException {
        Invocation dash = parse("-d", "debian", "-u", "root", "--cd", "/tmp", "--", "ls", "-l", "a b");
        assertEquals(Verb.EXEC, dash.verb());
        assertEquals("debian", dash.instance());
        assertEquals("root", dash.user());
        assertEquals("/tmp", dash.cwd());
        assertEquals(List.of("ls", "-l", "a b"), dash.command());
        assertEquals(List.of("uname", "-a"), parse("--distribution", "x", "-e", "uname", "-a").command());
        Invocation run = parse("run", "-d", "debian", "--", "make", "-j2");
        assertEquals(List.of("make", "-j2"), run.command());
        assertEquals("debian", run.instance());
        assertEquals(List.of("/bin/sh", "-c", "echo $HOME | wc"), parse("echo", "$HOME", "|", "wc").command());
    }

    @Test
    void everyManagementVerbParses() throws UsageException {
        Invocation imp = parse("--import", "deb", "inst", "rootfs.tar");
        assertEquals(Verb.IMPORT, imp.verb());
        assertEquals("deb", imp.instance());
        assertEquals(List.of("inst", "rootfs.tar"), imp.paths());
        assertEquals(List.of("samples.warpb"), parse("--import", "b", "samples.warpb").paths());
        assertEquals("option '--json' only applies to '--list' and '--info'", error("--import", "b", "img.tar", "--json"));
        Invocation exp = parse("--export", "deb", "out.tar");
        assertEquals(Verb.EXPORT, exp.verb());
        assertEquals(List.of("out.tar"), exp.paths());
        Invocation list = parse("-l", "-v");
        assertEquals(Verb.LIST, list.verb());
        assertTrue(list.verbose());
        assertFalse(list.json());
        assertTrue(parse("--list", "--json").json());
        assertEquals(Verb.INFO, parse("--info", "deb", "--json").verb());
        assertEquals("deb", parse("-t", "deb").instance());
        assertEquals(Verb.TERMINATE, parse("--terminate", "deb").verb());
        assertEquals(Verb.SHUTDOWN, parse("--shutdown").verb());
        assertEquals(Verb.UNREGISTER, parse("--unregister", "deb").verb());
        assertEquals(Verb.SET_DEFAULT, parse("-s", "deb").verb());
        assertEquals(Verb.SET_DEFAULT, parse("--set-default", "deb").verb());
        assertEquals(Verb.GOGO_SHELL, parse("shell").verb());
        assertEquals(Verb.HELP, parse("--help").verb());
    }

    @Test
    void badInputIsNamed() {
        assertEquals("'--import' needs 2 arguments but got 1", error("--import", "deb"));
        assertEquals("'--export' needs 2 arguments but got 1", error("--export", "deb"));
        assertEquals("'--terminate' needs 1 argument but got 0", error("--terminate"));
        assertEquals("unknown option '--frobnicate'", error("--frobnicate"));
        assertEquals("option '-d' needs an instance name", error("-d"));
        assertEquals("option '-u' needs a user name", error("-u"));
        assertEquals("option '--cd' needs a directory", error("--cd"));
        assertEquals("option '-e' needs a command", error("-e"));
        assertEquals("'--' must be followed by a command", error("--"));
        assertEquals("'--list' cannot be combined with another command", error("--shutdown", "--list"));
        assertEquals("option '--verbose' only applies to '--list'", error("--shutdown", "-v"));
        assertEquals("option '--json' only applies to '--list' and '--info'", error("--shutdown", "--json"));
        assertEquals("a command cannot follow 'list'", error("--list", "--", "ls"));
        assertEquals("'run' needs a command after '--'", error("run", "-d", "deb"));
        assertEquals("'--unregister' got an empty argument", error("--unregister", ""));
    }
}
