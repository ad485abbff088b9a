/* The agent's virtio-mmio console driver (VIRTIO-MMIO-CHANNEL.md), in user mode. */
#ifndef AGENT_VIRTIO_H
#define AGENT_VIRTIO_H
#include <stdint.h>

int vio_init(char *err, int errlen);          /* 0 or -1 with a message */
/* Host → guest: appends received bytes to buf (up to cap - *len); returns bytes added. */
uint32_t vio_receive(uint8_t *buf, uint32_t *len, uint32_t cap);
/* Guest → host: space for one frame of n bytes (n <= 65548), or 0 when the queue is full. */
uint8_t *vio_tx_alloc(uint32_t n);
void vio_tx_commit(void);                    /* submits the frame vio_tx_alloc returned */
int vio_tx_reclaim(void);                    /* frees what the device took; returns how many */
void vio_kick(void);                         /* notifies the device of frames submitted since the last kick */
uint32_t vio_tx_inflight(void);
/* the words to sleep on: the used rings' first 32-bit words */
volatile uint32_t *vio_rx_used_word(void);
volatile uint32_t *vio_tx_used_word(void);
int vio_rx_pending(void);
/* Used-buffer interrupts per queue, off while the agent works: turn them on for the queues about to
   be slept on, then re-check those queues before sleeping; turn them off again after waking. */
void vio_interrupts(int rx, int tx);
#endif
