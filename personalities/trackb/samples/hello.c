/* hello: greets, names its arguments and exits 0. */
#include "warp.h"

int main(int argc, char **argv) {
    printf("Hello from WARP (ABI %u, kernel %s)\n", warp_info()->abi_major, warp_info()->kernel_version);
    for (int i = 1; i < argc; i++) printf("argv[%d] = %s\n", i, argv[i]);
    return 0;
}
