package org.wslx.warp.control.host;

import org.osgi.service.component.annotations.Component;
import org.wslx.warp.control.ByteStream;
import org.wslx.warp.control.ControlException;
import org.wslx.warp.control.ControlPlane;
import org.wslx.warp.control.GuestSession;
import org.wslx.warp.control.ProtocolVersion;
import org.wslx.warp.control.SessionParameters;

/** The host side of CONTROL-PLANE.md 1.0 over any {@link ByteStream}. Stateless: each open is a new session. */
@Component(service = ControlPlane.class)
public class HostControlPlane implements ControlPlane {

    @Override
    public ProtocolVersion version() {
        return ProtocolVersion.CURRENT;
    }

    @Override
    public GuestSession open(ByteStream stream, SessionParameters parameters) throws ControlException {
        return new HostSession(stream, parameters).open();
    }
}
