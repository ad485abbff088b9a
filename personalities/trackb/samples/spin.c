/* spin: loops forever; the kernel's CPU time limit ends it. */
#include "warp.h"

int main(void) {
    volatile uint64_t n = 0;
    for (;;) n++;
}
