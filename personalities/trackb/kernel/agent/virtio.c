/*
 * virtio-mmio (register layout version 2) console: split virtqueues in the DMA area the kernel gives
 * the agent. Without VIRTIO_CONSOLE_F_MULTIPORT the channel is port 0 (queue 0 receiveq, queue 1
 * transmitq), as WARP's monitor offers it. With it (QEMU), the control queues (2 and 3) name the
 * ports and the channel is the port named CHANNEL_NAME (VIRTIO-MMIO-CHANNEL.md §2). Receive buffers
 * are re-posted as soon as their bytes are copied out; transmitted frames live in a byte ring until
 * the device has used them.
 */
#include "warp.h"
#include "virtio.h"

#define QSZ 64
#define RXBUF 4096
#define TX_RING_SIZE 0x80000

/* multiport: the ports whose queues are set up (ids 0 .. MAX_PORTS-1), and the control queues */
#define CHANNEL_NAME "org.wslx.warp.control.0"
#define MAX_PORTS 4
#define CTL_RXQ 2
#define CTL_TXQ 3
#define CTL_N 16                  /* control buffers each way */
#define CTL_RXBUF 256             /* a header and a port name */
#define CTL_TXBUF 16
#define CTL_TIMEOUT_NS 10000000000ULL

/* virtio console control events (virtio 1.x §5.3.6.2) */
#define DEVICE_READY 0
#define PORT_ADD 1
#define PORT_REMOVE 2
#define PORT_READY 3
#define PORT_OPEN 6
#define PORT_NAME 7

#define DMA_RINGS   0x0000        /* queue q's rings at DMA_RINGS + q * 0x1000 */
#define DMA_RXBUF   0x10000
#define DMA_CTLRX   0x50000
#define DMA_CTLTX   (DMA_CTLRX + CTL_N * CTL_RXBUF)
#define DMA_TXRING  0x80000       /* to 0x100000; agent.c keeps its buffers above */

struct desc { uint64_t addr; uint32_t len; uint16_t flags, next; };
struct avail { uint16_t flags, idx, ring[QSZ], used_event; };
struct used_elem { uint32_t id, len; };
struct used { uint16_t flags, idx; struct used_elem ring[QSZ]; uint16_t avail_event; };
struct ctl { uint32_t id; uint16_t event, value; };

struct vq {
    volatile struct desc *desc;
    volatile struct avail *avail;
    volatile struct used *used;
    uint16_t last_used, avail_idx, num, index;
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
static uint16_t rx_batch_start;            /* rxq.avail_idx before the first buffer re-posted since the last kick */

/* multiport state */
static int multiport;
static uint32_t nports;                     /* ports with queues set up */
static struct vq ctl_rxq, ctl_txq;
static int channel_port = -1, host_open;
static uint16_t qnum[2 * MAX_PORTS + 2];    /* each queue's size, as set up */

static inline uint32_t rd(unsigned off) { return regs[off / 4]; }
static inline void wr(unsigned off, uint32_t v) { regs[off / 4] = v; }

static uint16_t rx_queue_of(uint32_t port) { return (uint16_t)(port == 0 ? 0 : 2 * port + 2); }

static void vq_attach(struct vq *vq, uint16_t q) {
    uint32_t off = DMA_RINGS + (uint32_t)q * 0x1000;
    vq->desc = (volatile struct desc *)(dma + off);
    vq->avail = (volatile struct avail *)(dma + off + 0x400);
    vq->used = (volatile struct used *)(dma + off + 0x800);
    vq->num = qnum[q];
    vq->index = q;
    vq->last_used = vq->avail_idx = 0;
}

/* Each register access is a VM exit (~100 us under kvm_pvm's emulation), so a queue costs only what
   the device cannot know: the agent is the device's first driver since power-on, when QueueSel and
   every queue address are zero (virtio-mmio's reset state on both backends), so queue 0 is not
   selected again and an address's upper half is written only when it is not zero. */
static void wr_addr(unsigned lo, uint64_t pa) {
    wr(lo, (uint32_t)pa);
    if (pa >> 32) wr(lo + 4, (uint32_t)(pa >> 32));
}

static int setup_queue(uint16_t q, uint16_t limit, struct vq *vq, char *err, int errlen) {
    if (q) wr(0x30, q);
    uint32_t max = rd(0x34);
    if (max == 0) { snprintf(err, errlen, "virtio console: queue %u is missing", q); return -1; }
    qnum[q] = max < limit ? (uint16_t)max : limit;
    vq_attach(vq, q);
    memset((void *)vq->desc, 0, 0x1000);
    wr(0x38, vq->num);
    uint64_t pa = dma_pa + DMA_RINGS + (uint64_t)q * 0x1000;
    wr_addr(0x80, pa);
    wr_addr(0x90, pa + 0x400);
    wr_addr(0xa0, pa + 0x800);
    wr(0x44, 1);
    return 0;
}

/* Fills the receive queue. With notify 0 the device is not told: buffers placed before DRIVER_OK are
   found when the device first has bytes for the agent, and the host sends nothing before HELLO. */
static void post_rx_buffers(int notify) {
    for (uint16_t i = 0; i < rxq.num; i++) {
        rxq.desc[i].addr = dma_pa + DMA_RXBUF + (uint64_t)i * RXBUF;
        rxq.desc[i].len = RXBUF;
        rxq.desc[i].flags = 2;   /* device writes */
        rxq.avail->ring[i] = i;
    }
    __atomic_store_n(&rxq.avail->idx, rxq.num, __ATOMIC_RELEASE);
    rxq.avail_idx = rxq.num;
    if (notify) wr(0x50, rxq.index);
}

/* VIRTQ_AVAIL_F_NO_INTERRUPT on the channel's queues: a used-buffer interrupt costs the agent a trap
   and the kernel an InterruptACK exit (~250 us together under kvm_pvm), worth paying only to end a
   sleep. While the agent works the flags are set and it looks at the used rings itself. */
void vio_interrupts(int rx, int tx) {
    rxq.avail->flags = rx ? 0 : 1;
    txq.avail->flags = tx ? 0 : 1;
    /* a full barrier: the caller's next look at a used index comes after the device can see the
       flag cleared, so a buffer used before then is seen by the caller, one used after interrupts */
    if (rx || tx) __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* ---- multiport: the control queues ---- */

static void ctl_send(uint32_t id, uint16_t event, uint16_t value) {
    /* the device answers each message at once, so the queue is full only for an instant */
    while ((uint16_t)(ctl_txq.avail_idx - __atomic_load_n(&ctl_txq.used->idx, __ATOMIC_ACQUIRE)) >= ctl_txq.num) warp_yield();
    uint16_t d = ctl_txq.avail_idx % ctl_txq.num;
    struct ctl m = { id, event, value };
    memcpy(dma + DMA_CTLTX + d * CTL_TXBUF, &m, sizeof m);
    ctl_txq.desc[d].addr = dma_pa + DMA_CTLTX + d * CTL_TXBUF;
    ctl_txq.desc[d].len = sizeof m;
    ctl_txq.desc[d].flags = 0;
    ctl_txq.avail->ring[d] = d;
    ctl_txq.avail_idx++;
    __atomic_store_n(&ctl_txq.avail->idx, ctl_txq.avail_idx, __ATOMIC_RELEASE);
    wr(0x50, CTL_TXQ);
}

static void ctl_message(const uint8_t *b, uint32_t len, char *err, int errlen) {
    struct ctl m;
    if (len < sizeof m) return;
    memcpy(&m, b, sizeof m);
    switch (m.event) {
    case PORT_ADD:
        /* a port without queues cannot be driven; the device hears so and leaves it alone */
        ctl_send(m.id, PORT_READY, m.id < nports);
        break;
    case PORT_NAME: {
        uint32_t n = len - sizeof m;
        const char *name = (const char *)b + sizeof m;
        while (n && !name[n - 1]) n--;
        if (n != sizeof CHANNEL_NAME - 1 || memcmp(name, CHANNEL_NAME, n) || channel_port >= 0) break;
        if (m.id >= nports) {
            if (err) snprintf(err, errlen, "virtio console: port '%s' has id %u, but only ports 0-%u have queues",
                     CHANNEL_NAME, m.id, nports - 1);
            break;
        }
        channel_port = (int)m.id;
        uint16_t q = rx_queue_of(m.id);
        vq_attach(&rxq, q);
        vq_attach(&txq, q + 1);
        vio_interrupts(0, 0);
        post_rx_buffers(1);
        ctl_send(m.id, PORT_OPEN, 1);
        break;
    }
    case PORT_OPEN:
        if ((int)m.id == channel_port) host_open = m.value;
        break;
    case PORT_REMOVE:
        if ((int)m.id == channel_port && err) snprintf(err, errlen, "virtio console: the device removed port '%s'", CHANNEL_NAME);
        break;
    default:
        break;   /* CONSOLE_PORT, RESIZE: nothing to do for a byte stream */
    }
}

/* Handles the control messages the device has sent; returns how many. */
static int ctl_poll(char *err, int errlen) {
    int n = 0;
    while (ctl_rxq.last_used != __atomic_load_n(&ctl_rxq.used->idx, __ATOMIC_ACQUIRE)) {
        volatile struct used_elem *e = &ctl_rxq.used->ring[ctl_rxq.last_used % ctl_rxq.num];
        uint16_t d = (uint16_t)(e->id % ctl_rxq.num);
        uint32_t len = e->len > CTL_RXBUF ? CTL_RXBUF : e->len;
        uint8_t msg[CTL_RXBUF];
        memcpy(msg, dma + DMA_CTLRX + d * CTL_RXBUF, len);
        ctl_rxq.last_used++;
        ctl_rxq.avail->ring[ctl_rxq.avail_idx % ctl_rxq.num] = d;
        ctl_rxq.avail_idx++;
        __atomic_store_n(&ctl_rxq.avail->idx, ctl_rxq.avail_idx, __ATOMIC_RELEASE);
        ctl_message(msg, len, err, errlen);
        n++;
    }
    if (n) wr(0x50, CTL_RXQ);   /* one notification (a VM exit) for the buffers given back */
    return n;
}

/* DEVICE_READY, then PORT_ADD → PORT_READY → PORT_NAME → PORT_OPEN until the channel's port is open
   at both ends (the device drops control messages it has no buffer for, so buffers come first). */
static int find_channel_port(char *err, int errlen) {
    for (uint16_t i = 0; i < ctl_rxq.num; i++) {
        ctl_rxq.desc[i].addr = dma_pa + DMA_CTLRX + (uint64_t)i * CTL_RXBUF;
        ctl_rxq.desc[i].len = CTL_RXBUF;
        ctl_rxq.desc[i].flags = 2;
        ctl_rxq.avail->ring[i] = i;
    }
    ctl_rxq.avail_idx = ctl_rxq.num;
    __atomic_store_n(&ctl_rxq.avail->idx, ctl_rxq.avail_idx, __ATOMIC_RELEASE);
    wr(0x50, CTL_RXQ);
    ctl_send(0, DEVICE_READY, 1);
    err[0] = 0;
    uint64_t deadline = warp_clock_ns() + CTL_TIMEOUT_NS;
    while (channel_port < 0 || !host_open) {
        volatile uint32_t *word = (volatile uint32_t *)ctl_rxq.used;
        struct warp_wait w = { (uint64_t)word, __atomic_load_n(word, __ATOMIC_ACQUIRE), 0 };
        if (ctl_poll(err, errlen)) { if (err[0]) return -1; continue; }
        uint64_t now = warp_clock_ns();
        if (now >= deadline) {
            if (channel_port < 0) snprintf(err, errlen, "virtio console offers multiport but no port named '%s'", CHANNEL_NAME);
            else snprintf(err, errlen, "virtio console port '%s' (id %d): the host end is not connected", CHANNEL_NAME, channel_port);
            return -1;
        }
        warp_wait(&w, 1, deadline - now < 10000000 ? deadline - now : 10000000);
    }
    return 0;
}

/* Finds the console: DeviceID first (one read rules out an empty slot), then the magic value and the
   version for the slot that claims to be a console. */
static int find_console(char *err, int errlen) {
    /* the contract's window holds 8 slots; only when none holds the console, look at the 24 slots
       QEMU's microvm machine has with its second IOAPIC (it puts the first device in the last one) */
    for (int n = 0; n < 24; n++) {
        volatile uint32_t *r = (volatile uint32_t *)(WARP_AGENT_MMIO_VA + n * 0x200);
        if (r[2] != 3 || r[0] != 0x74726976) continue;
        regs = r;
        uint32_t version = rd(0x04);
        if (version == 2) return 0;
        snprintf(err, errlen, "virtio console in slot %d: transport version %u, need 2", n, version);
        return -1;
    }
    snprintf(err, errlen, "no virtio console in the virtio-mmio window at 0xfeb00000");
    return -1;
}

/*
 * virtio 1.x §3.1.1 with every access the device needs and no other (each one is a VM exit):
 * ACKNOWLEDGE and DRIVER in one write; DeviceFeatures word 0 only (a version-2 transport is a
 * modern device, which offers VIRTIO_F_VERSION_1, and the selector is 0 after power-on); word 0 of
 * the driver's features only when it is not zero (its power-on value); FEATURES_OK read back as the
 * spec requires; receive buffers placed before DRIVER_OK; interrupts off until the agent sleeps.
 * On WARP's monitor (console in slot 0) that is 24 accesses, where the textbook sequence takes 38.
 */
int vio_init(char *err, int errlen) {
    const struct warp_info *in = warp_info();
    dma = (uint8_t *)WARP_AGENT_DMA_VA;
    dma_pa = in->dma_phys;
    if (find_console(err, errlen)) return -1;
    wr(0x70, 0);
    wr(0x70, 1 | 2);
    multiport = (rd(0x10) >> 1) & 1;
    wr(0x24, 1); wr(0x20, 1);                  /* VIRTIO_F_VERSION_1 */
    if (multiport) { wr(0x24, 0); wr(0x20, 2); }
    wr(0x70, 1 | 2 | 8);
    if (!(rd(0x70) & 8)) { snprintf(err, errlen, "virtio console refused the features (VERSION_1%s)", multiport ? ", MULTIPORT" : ""); return -1; }
    if (!multiport) {
        if (setup_queue(0, QSZ, &rxq, err, errlen) || setup_queue(1, QSZ, &txq, err, errlen)) return -1;
        vio_interrupts(0, 0);
        post_rx_buffers(0);
        wr(0x70, 1 | 2 | 8 | 4);
        return 0;
    }
    /* every queue is set up before DRIVER_OK, so the ports' too, before their names are known */
    uint32_t max_ports = rd(0x104);
    if (max_ports == 0) { snprintf(err, errlen, "virtio console offers multiport with max_nr_ports 0"); return -1; }
    nports = max_ports < MAX_PORTS ? max_ports : MAX_PORTS;
    struct vq port;   /* rxq and txq are attached once the port's name is known */
    for (uint32_t p = 0; p < nports; p++) {
        uint16_t q = rx_queue_of(p);
        if (setup_queue(q, QSZ, &port, err, errlen) || setup_queue(q + 1, QSZ, &port, err, errlen)) return -1;
    }
    if (setup_queue(CTL_RXQ, CTL_N, &ctl_rxq, err, errlen) || setup_queue(CTL_TXQ, CTL_N, &ctl_txq, err, errlen)) return -1;
    wr(0x70, 1 | 2 | 8 | 4);
    return find_channel_port(err, errlen);
}

volatile uint32_t *vio_rx_used_word(void) { return (volatile uint32_t *)rxq.used; }
volatile uint32_t *vio_tx_used_word(void) { return (volatile uint32_t *)txq.used; }
int vio_rx_pending(void) { return pending_len || rxq.last_used != __atomic_load_n(&rxq.used->idx, __ATOMIC_ACQUIRE); }

uint32_t vio_receive(uint8_t *buf, uint32_t *len, uint32_t cap) {
    uint32_t added = 0;
    if (multiport) ctl_poll(0, 0);   /* a late PORT_ADD gets its PORT_READY; the rest changes nothing */
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
        if (!rx_reposted) rx_batch_start = rxq.avail_idx;
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

/* A device waits for a receive notification only once it has used every buffer it was given. If it
   had not used all those given before this batch, it is still filling them and will find the new
   ones on its own; it may run dry later, but then the agent receives those buffers and decides again.
   The full barrier orders the batch's published avail index before the look at the used index: a
   device that found the ring empty has published a used index that this look sees. */
static int rx_device_may_wait(void) {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint16_t used = __atomic_load_n(&rxq.used->idx, __ATOMIC_ACQUIRE);
    return (int16_t)(used - rx_batch_start) >= 0;
}

void vio_kick(void) {
    /* a notification is a VM exit: one per batch, and none when the device asks for none or does
       not need one */
    if (tx_submitted && !(txq.used->flags & 1)) wr(0x50, txq.index);
    if (rx_reposted && !(rxq.used->flags & 1) && rx_device_may_wait()) wr(0x50, rxq.index);
    tx_submitted = rx_reposted = 0;
}
