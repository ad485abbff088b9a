package org.wslx.warp.sandbox;

import java.time.Duration;
import java.util.Arrays;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A completed call.
 *
 * @param function the function called
 * @param output   the bytes it returned
 * @param elapsed  host time from copying the input in to having the output, reset excluded
 */
@ProviderType
public record CallResult(String function, byte[] output, Duration elapsed) {
    public CallResult {
        output = output.clone();
    }

    @Override
    public byte[] output() {
        return output.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CallResult r && r.function.equals(function) && Arrays.equals(r.output, output)
                && r.elapsed.equals(elapsed);
    }

    @Override
    public int hashCode() {
        return function.hashCode() * 31 + Arrays.hashCode(output);
    }

    @Override
    public String toString() {
        return "CallResult[" + function + ", " + output.length + " bytes, " + elapsed + "]";
    }
}
