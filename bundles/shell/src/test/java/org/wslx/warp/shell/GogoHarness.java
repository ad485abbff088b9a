package org.wslx.warp.shell;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.apache.felix.gogo.runtime.CommandProcessorImpl;
import org.apache.felix.gogo.runtime.threadio.ThreadIOImpl;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * A real Gogo command processor with the commands registered under the function names that the
 * generated component descriptions declare, so tests exercise the same names a console would.
 */
final class GogoHarness implements AutoCloseable {
    private final ThreadIOImpl threadIO = new ThreadIOImpl();
    private final CommandProcessorImpl processor;
    private final CommandSession session;

    GogoHarness(Path currentDirectory, Object... commands) throws Exception {
        threadIO.start();
        processor = new CommandProcessorImpl(threadIO);
        processor.addConverter(new WarpConverter());
        for (Object command : commands) {
            for (String function : declaredFunctions(command.getClass())) {
                processor.addCommand("warp", command, function);
            }
        }
        session = processor.createSession(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
                new ByteArrayOutputStream());
        session.currentDir(currentDirectory);
    }

    CommandSession session() {
        return session;
    }

    Object run(String line) throws Exception {
        return session.execute(line);
    }

    /** Runs a command and formats its result as the console would print it. */
    String print(String line) throws Exception {
        return session.format(run(line), Converter.INSPECT).toString();
    }

    static List<String> declaredFunctions(Class<?> component) throws Exception {
        String resource = "/OSGI-INF/" + component.getName() + ".xml";
        try (InputStream in = component.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("component description " + resource + " was not generated");
            }
            NodeList properties = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in)
                    .getElementsByTagName("property");
            List<String> functions = new ArrayList<>();
            for (int i = 0; i < properties.getLength(); i++) {
                Element property = (Element) properties.item(i);
                if (property.getAttribute("name").equals("osgi.command.function")) {
                    for (String line : property.getTextContent().split("\n")) {
                        if (!line.isBlank()) {
                            functions.add(line.trim());
                        }
                    }
                }
            }
            return functions;
        }
    }

    @Override
    public void close() {
        session.close();
        processor.stop();
        threadIO.stop();
    }
}
