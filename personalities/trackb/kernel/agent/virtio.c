/*
 * virtio-mmio (register layout version 2) console: queue 0 receiveq, queue 1 transmitq, split
 * virtqueues in the DMA area the kernel gives the agent. Receive buffers are re-posted as soon as
 * their bytes are copied out; transmitted frames live in a byte ring until the device has used them.
 */
#include "warp.h"
#include "virtio.h"

#define QSZ 64
#define RXBUF 4096
#define TX_RING_SIZE 0x80000

#define DMA_RXQ     0x0000
#define DMA_TXQ     0x1000
#define DMA_RXBUF   0x10000
#define DMA_TXRING  0x80000

struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct avail { uint16_t flags, idx, ring[QSZ], used_event; };
struct used_elem { uint32_t id, len; };
struct used { uint16_t flags, idx; struct used_elem ring[QSZ]; uint16_t avail_event; };

struct vq {
    volatile struct desc *desc;
    volatile struct avail *avail;
    volatile struct used *used;
    uint16_t last_used, avail_idx, num;
};

static volatile uint32_t *regs;
static struct vq rxq, txq;
static uint8_t *dma;
static uint64_t dma_pa;
static uint32_t tx_head, tx_tail;          /* free-running byte counters of the tx ring */
static uint32_t tx_end[QSZ];               /* tx_head after each descriptor's frame */
static uint8_t tx_done[QSZ];
static uint16_t tx_seq_head, tx_seq_tail;  /* descriptors in flight: [tail, head) */
static uint32_t pending_len, pending_pos;
static int rx_reposted, tx_submitted;

static inline uint32_t rd(unsigned off) { return regs[off / 4]; }
static inline void wr(unsigned off, uint32_t v) { regs[off / 4] = v; }

static int setup_queue(unsigned q, struct vq *vq, uint32_t off, char *err, int errlen) {
    wr(0x30, q);
    uint32_t max = rd(0x34);
    if (max == 0) { snprintf(err, errlen, "virtio console: queue %u is missing", q); return -1; }
    vq->num = max < QSZ ? (uint16_t)max : QSZ;
    vq->desc = (volatile struct desc *)(dma + off);
    vq->avail = (volatile struct avail *)(dma + off + 0x400);
    vq->used = (volatile struct used *)(dma + off + 0x800);
    wr(0x38, vq->num);
    uint64_t pa = dma_pa + off;
    wr(0x80, (uint32_t)pa); wr(0x84, (uint32_t)(pa >> 32));
    wr(0x90, (uint32_t)(pa + 0x400)); wr(0x94, (uint32_t)((pa + 0x400) >> 32));
    wr(0xa0, (uint32_t)(pa + 0x800)); wr(0xa4, (uint32_t)((pa + 0x800) >> 32));
    wr(0x44, 1);
    return 0;
}

int vio_init(char *err, int errlen) {
    const struct warp_info *in = warp_info();
    dma = (uint8_t *)WARP_AGENT_DMA_VA;
    dma_pa = in->dma_phys;
    /* the contract's window holds 8 slots; only when none holds the console, look at the 24 slots
       QEMU's microvm machine has with its second IOAPIC (it puts the first device in the last one) */
    for (int n = 0; n < 32 && !regs; n++) {
        if (n == 24) break;
        volatile uint32_t *r = (volatile uint32_t *)(WARP_AGENT_MMIO_VA + n * 0x200);
        if (r[0] == 0x74726976 && r[2] == 3) regs = r;
    }
    if (!regs) { snprintf(err, errlen, "no virtio console in the virtio-mmio window at 0xfeb00000"); return -1; }
    if (rd(0x04) != 2) { snprintf(err, errlen, "virtio console: transport version %u, need 2", rd(0x04)); return -1; }
    wr(0x70, 0);
    wr(0x70, 1);
    wr(0x70, 1 | 2);
    wr(0x14, 1);
    if (!(rd(0x10) & 1)) { snprintf(err, errlen, "virtio console does not offer VIRTIO_F_VERSION_1"); return -1; }
    wr(0x24, 0); wr(0x20, 0);
    wr(0x24, 1); wr(0x20, 1);
    wr(0x70, 1 | 2 | 8);
    if (!(rd(0x70) & 8)) { snprintf(err, errlen, "virtio console refused the features"); return -1; }
    if (setup_queue(0, &rxq, DMA_RXQ, err, errlen) || setup_queue(1, &txq, DMA_TXQ, err, errlen)) return -1;
    for (uint16_t i = 0; i < rxq.num; i++) {
        rxq.desc[i].addr = dma_pa + DMA_RXBUF + (uint64_t)i * RXBUF;
        rxq.desc[i].len = RXBUF;
        rxq.desc[i].flags = 2;   /* device writes */
        rxq.avail->ring[i] = i;
    }
    __atomic_store_n(&rxq.avail->idx, rxq.num, __ATOMIC_RELEASE);
    rxq.avail_idx = rxq.num;
    wr(0x70, 1 | 2 | 8 | 4);
    wr(0x50, 0);
    return 0;
}

volatile uint32_t *vio_rx_used_word(void) { return (volatile uint32_t *)rxq.used; }
volatile uint32_t *vio_tx_used_word(void) { return (volatile uint32_t *)txq.used; }
int vio_rx_pending(void) { return pending_len || rxq.last_used != __atomic_load_n(&rxq.used->idx, __ATOMIC_ACQUIRE); }

uint32_t vio_receive(uint8_t *buf, uint32_t *len, uint32_t cap) {
    uint32_t added = 0;
    for (;;) {
        if (!pending_len) {
            if (rxq.last_used == __atomic_load_n(&rxq.used->idx, __ATOMIC_ACQUIRE)) break;
            volatile struct used_elem *e = &rxq.used->ring[rxq.last_used % rxq.num];
            pending_len = e->len > RXBUF ? RXBUF : e->len;
            pending_pos = 0;
            if (!pending_len) goto repost;
        }
        uint16_t id = (uint16_t)rxq.used->ring[rxq.last_used % rxq.num].id;
        uint32_t n = pending_len - pending_pos;
        if (n > cap - *len) n = cap - *len;
        if (!n) break;
        memcpy(buf + *len, dma + DMA_RXBUF + (uint32_t)(id % rxq.num) * RXBUF + pending_pos, n);
        *len += n;
        added += n;
        pending_pos += n;
        if (pending_pos < pending_len) break;
    repost:
        id = (uint16_t)(rxq.used->ring[rxq.last_used % rxq.num].id % rxq.num);
        pending_len = 0;
        rxq.last_used++;
        rxq.avail->ring[rxq.avail_idx % rxq.num] = id;
        rxq.avail_idx++;
        __atomic_store_n(&rxq.avail->idx, rxq.avail_idx, __ATOMIC_RELEASE);
        rx_reposted = 1;
    }
    return added;
}

uint32_t vio_tx_inflight(void) { return (uint16_t)(tx_seq_head - tx_seq_tail); }

uint8_t *vio_tx_alloc(uint32_t n) {
    if (vio_tx_inflight() >= txq.num || n > TX_RING_SIZE / 2) return 0;
    uint32_t pos = tx_head % TX_RING_SIZE, pad = 0;
    if (pos + n > TX_RING_SIZE) pad = TX_RING_SIZE - pos;
    if (tx_head - tx_tail + pad + n > TX_RING_SIZE) return 0;
    tx_head += pad;
    pos = tx_head % TX_RING_SIZE;
    uint16_t id = tx_seq_head % txq.num;
    txq.desc[id].addr = dma_pa + DMA_TXRING + pos;
    txq.desc[id].len = n;
    txq.desc[id].flags = 0;
    tx_end[id] = tx_head + n;
    return dma + DMA_TXRING + pos;
}

void vio_tx_commit(void) {
    uint16_t id = tx_seq_head % txq.num;
    tx_head = tx_end[id];
    tx_done[id] = 0;
    tx_seq_head++;
    txq.avail->ring[txq.avail_idx % txq.num] = id;
    txq.avail_idx++;
    __atomic_store_n(&txq.avail->idx, txq.avail_idx, __ATOMIC_RELEASE);
    tx_submitted = 1;
}

int vio_tx_reclaim(void) {
    int n = 0;
    while (txq.last_used != __atomic_load_n(&txq.used->idx, __ATOMIC_ACQUIRE)) {
        tx_done[txq.used->ring[txq.last_used % txq.num].id % txq.num] = 1;
        txq.last_used++;
        n++;
    }
    while (tx_seq_tail != tx_seq_head && tx_done[tx_seq_tail % txq.num]) {
        tx_tail = tx_end[tx_seq_tail % txq.num];
        tx_seq_tail++;
    }
    return n;
}

void vio_kick(void) {
    /* a notification is a VM exit: one per batch, and none when the device asks for none */
    if (tx_submitted && !(txq.used->flags & 1)) wr(0x50, 1);
    if (rx_reposted && !(rxq.used->flags & 1)) wr(0x50, 0);
    tx_submitted = rx_reposted = 0;
}
