package org.wslx.warp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.ServiceReference;
import org.wslx.warp.image.ImageException;
import org.wslx.warp.image.ImageFormat;
import org.wslx.warp.image.ImageManifest;
import org.wslx.warp.image.ImageStore;
import org.wslx.warp.image.ImportedImage;
import org.wslx.warp.instance.InstanceException;
import org.wslx.warp.instance.InstanceSettings;

class ImageRouterTest {
    @TempDir
    Path dir;

    private final List<String> calls = new ArrayList<>();
    private final Providers providers = new Providers();
    private final ImageRouter router = new ImageRouter(providers);

    /** A format that claims files starting with its magic and forgets to name itself in the manifest. */
    private class MagicFormat implements ImageFormat {
        private final String name;

        MagicFormat(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean recognises(Path source) {
            try {
                return new String(Files.readAllBytes(source), StandardCharsets.US_ASCII).startsWith(name.toUpperCase());
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        public ImportedImage importImage(String imageName, Path source, Path installDirectory) {
            calls.add(name + ":import " + imageName);
            return new ImportedImage(installDirectory.resolve("image"), 1, new ImageManifest("other", "", "", "",
                    Map.of(ATTACH_ROOT_DISK_ATTRIBUTE, "false")));
        }

        @Override
        public void exportImage(String imageName, Path installDirectory, ImageManifest manifest, Path target) {
            calls.add(name + ":export " + imageName);
        }

        @Override
        public void deleteImage(String imageName, Path installDirectory) {
            calls.add(name + ":delete " + imageName);
        }
    }

    private final ImageStore store = new ImageStore() {
        @Override
        public ImportedImage importImage(String imageName, Path source, Path installDirectory) {
            calls.add("store:import " + imageName);
            return new ImportedImage(installDirectory.resolve("rootfs.ext4"), 1,
                    new ImageManifest("linux", "", "", "", Map.of()));
        }

        @Override
        public void exportImage(String imageName, Path rootDisk, Path target) {
            calls.add("store:export " + imageName);
        }

        @Override
        public void deleteImage(String imageName, Path installDirectory) {
            calls.add("store:delete " + imageName);
        }
    };

    private static ServiceReference<?> noBundle() {
        return (ServiceReference<?>) Proxy.newProxyInstance(ImageRouterTest.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, method, args) -> null);
    }

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    private static InstanceRecord recordOf(String name, ImportedImage image, Path installDirectory) {
        return InstanceRecord.of(name, installDirectory, image.rootDisk(), image.manifest(), InstanceSettings.DEFAULTS);
    }

    @Test
    void aSourceAFormatRecognisesGoesToItAndItsNameIsRecorded() throws Exception {
        providers.setImageStore(store);
        providers.imageFormats().add("zeta", new MagicFormat("zeta"), noBundle());
        ImportedImage image = router.importImage("z", file("z.img", "ZETA..."), dir.resolve("z"));
        assertEquals("zeta", image.manifest().attributes().get(ImageFormat.FORMAT_ATTRIBUTE));
        assertFalse(ImageRouter.attachesRootDisk(image.manifest()));

        InstanceRecord record = recordOf("z", image, dir.resolve("z"));
        router.exportImage("z", record, dir.resolve("out"));
        router.deleteImage("z", record);
        assertEquals(List.of("zeta:import z", "zeta:export z", "zeta:delete z"), calls);
    }

    @Test
    void aSourceNoFormatRecognisesGoesToTheStore() throws Exception {
        providers.setImageStore(store);
        providers.imageFormats().add("zeta", new MagicFormat("zeta"), noBundle());
        ImportedImage image = router.importImage("t", file("t.tar", "not zeta"), dir.resolve("t"));
        assertTrue(ImageRouter.attachesRootDisk(image.manifest()));
        InstanceRecord record = recordOf("t", image, dir.resolve("t"));
        router.exportImage("t", record, dir.resolve("out.tar"));
        router.deleteImage("t", record);
        assertEquals(List.of("store:import t", "store:export t", "store:delete t"), calls);
    }

    @Test
    void anImageWhoseFormatIsGoneCannotBeExportedAndTheErrorSaysWhy() throws Exception {
        providers.setImageStore(store);
        MagicFormat zeta = new MagicFormat("zeta");
        providers.imageFormats().add("zeta", zeta, noBundle());
        ImportedImage image = router.importImage("z", file("z.img", "ZETA"), dir.resolve("z"));
        providers.imageFormats().remove(zeta);
        InstanceException e = assertThrows(InstanceException.class,
                () -> router.exportImage("z", recordOf("z", image, dir.resolve("z")), dir.resolve("out")));
        assertEquals("instance 'z': its image is in format 'zeta', and no bundle providing that image format is "
                + "installed (installed: [])", e.getMessage());
    }

    @Test
    void aFormatThatThrowsWhileSniffingDoesNotBlockTheStore() throws Exception {
        providers.setImageStore(store);
        providers.imageFormats().add("broken", new MagicFormat("broken") {
            @Override
            public boolean recognises(Path source) {
                throw new IllegalStateException("boom");
            }
        }, noBundle());
        router.importImage("t", file("t.tar", "BROKEN"), dir.resolve("t"));
        assertEquals(List.of("store:import t"), calls);
    }

    @Test
    void withoutAStoreAnUnrecognisedSourceIsAClearError() throws IOException {
        InstanceException e = assertThrows(InstanceException.class,
                () -> router.importImage("t", file("t.tar", "x"), dir.resolve("t")));
        assertEquals("instance 't': no image store is installed", e.getMessage());
    }

    @Test
    void storeErrorsPassThroughUnchanged() throws IOException {
        providers.setImageStore(new ImageStore() {
            @Override
            public ImportedImage importImage(String imageName, Path source, Path installDirectory) throws ImageException {
                throw new ImageException("image 't': corrupt");
            }

            @Override
            public void exportImage(String imageName, Path rootDisk, Path target) {
            }

            @Override
            public void deleteImage(String imageName, Path installDirectory) {
            }
        });
        ImageException e = assertThrows(ImageException.class,
                () -> router.importImage("t", file("t.tar", "x"), dir.resolve("t")));
        assertEquals("image 't': corrupt", e.getMessage());
    }
}
