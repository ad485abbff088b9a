package org.wslx.warp.policy;

/** The kinds of thing policy decides about. */
public enum PolicySubject {
    BACKEND, PERSONALITY, SURFACE, CONTRACT
}
