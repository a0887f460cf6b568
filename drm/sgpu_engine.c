// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated GPU's copy engine: every access goes through the GPU page
 * table of the SVM core. A missing entry (or a read-only one for a write)
 * is a GPU fault, resolved by the core with HMM and the access replayed;
 * a fault the CPU mapping does not allow ends the command with a status.
 *
 * Memory is touched only under svm->lock, so the notifier cannot remove a
 * page under the engine's feet; user memory is copied through a bounce page
 * outside the lock (a user fault there may invalidate, which takes it).
 */
#include <linux/atomic.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "sgpu_engine.h"
#include "sgpu_svm.h"

/* Replays of one access before the engine gives up (SGPU_STATUS_BUSY). */
#define SGPU_ENGINE_MAX_REPLAYS	16

struct sgpu_engine_ctx {
	struct sgpu_svm *svm;
	struct drm_sgpu_engine *cmd;
	u8 *bounce;
};

/*
 * Translate @addr for an access of the engine. Returns 0 with svm->lock
 * held and *@pagep set; a positive SGPU_STATUS_* (lock not held) when the
 * command ends; a negative errno for the ioctl.
 */
static int sgpu_engine_translate(struct sgpu_engine_ctx *ctx,
				 unsigned long addr, unsigned long end,
				 bool write, struct page **pagep)
{
	struct sgpu_svm *svm = ctx->svm;
	unsigned long page_addr = addr & PAGE_MASK;
	unsigned int replays = 0;
	struct page *page;
	int ret;

	if (sgpu_svm_unmanaged(svm, addr)) {
		ctx->cmd->fault_addr = addr;
		return SGPU_STATUS_UNMANAGED;
	}
	for (;;) {
		mutex_lock(&svm->lock);
		page = sgpu_svm_lookup(svm, page_addr, write, NULL);
		if (page) {
			*pagep = page;
			return 0;
		}
		mutex_unlock(&svm->lock);

		ctx->cmd->fault_addr = addr;
		if (ctx->cmd->flags & SGPU_ENGINE_NO_FAULT)
			return SGPU_STATUS_NOT_MAPPED;
		if (++replays > SGPU_ENGINE_MAX_REPLAYS)
			return SGPU_STATUS_BUSY;
		ctx->cmd->faults++;
		ret = sgpu_svm_fault(svm, page_addr, end, write);
		switch (ret) {
		case 0:
			break;
		case -EBUSY:
			return SGPU_STATUS_BUSY;
		case -ENOMEM:
			return ret;
		default:	/* -EFAULT, -EPERM, -ESRCH */
			return SGPU_STATUS_FAULT;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
	}
}

/* Between chunks of a long command: let others run, stop when killed. */
static int sgpu_engine_yield(void)
{
	cond_resched();
	return fatal_signal_pending(current) ? -EINTR : 0;
}

/* Bytes from @addr to the end of its page, at most @left. */
static size_t sgpu_engine_chunk(unsigned long addr, u64 left)
{
	size_t n = PAGE_SIZE - offset_in_page(addr);

	return left < n ? left : n;
}

static int sgpu_engine_load(struct sgpu_engine_ctx *ctx, unsigned long addr,
			    unsigned long end, void *buf, size_t n)
{
	struct page *page;
	void *kaddr;
	int ret;

	ret = sgpu_engine_translate(ctx, addr, end, false, &page);
	if (ret)
		return ret;
	kaddr = kmap_local_page(page);
	memcpy(buf, kaddr + offset_in_page(addr), n);
	kunmap_local(kaddr);
	mutex_unlock(&ctx->svm->lock);
	return 0;
}

static int sgpu_engine_store(struct sgpu_engine_ctx *ctx, unsigned long addr,
			     unsigned long end, const void *buf, size_t n,
			     const u32 *pattern)
{
	struct page *page;
	void *kaddr;
	int ret;

	ret = sgpu_engine_translate(ctx, addr, end, true, &page);
	if (ret)
		return ret;
	kaddr = kmap_local_page(page);
	if (pattern)
		memset32(kaddr + offset_in_page(addr), *pattern, n / 4);
	else
		memcpy(kaddr + offset_in_page(addr), buf, n);
	kunmap_local(kaddr);
	mutex_unlock(&ctx->svm->lock);
	return 0;
}

static int sgpu_engine_read(struct sgpu_engine_ctx *ctx)
{
	struct drm_sgpu_engine *cmd = ctx->cmd;
	unsigned long end = cmd->dst + cmd->size;
	u64 done = 0;
	int ret;

	while (done < cmd->size) {
		unsigned long addr = cmd->dst + done;
		size_t n = sgpu_engine_chunk(addr, cmd->size - done);

		ret = sgpu_engine_load(ctx, addr, end, ctx->bounce, n);
		if (ret)
			return ret;
		if (copy_to_user(u64_to_user_ptr(cmd->data + done),
				 ctx->bounce, n))
			return -EFAULT;
		done += n;
		ret = sgpu_engine_yield();
		if (ret)
			return ret;
	}
	return 0;
}

static int sgpu_engine_write(struct sgpu_engine_ctx *ctx)
{
	struct drm_sgpu_engine *cmd = ctx->cmd;
	unsigned long end = cmd->dst + cmd->size;
	u64 done = 0;
	int ret;

	while (done < cmd->size) {
		unsigned long addr = cmd->dst + done;
		size_t n = sgpu_engine_chunk(addr, cmd->size - done);

		if (copy_from_user(ctx->bounce,
				   u64_to_user_ptr(cmd->data + done), n))
			return -EFAULT;
		ret = sgpu_engine_store(ctx, addr, end, ctx->bounce, n, NULL);
		if (ret)
			return ret;
		done += n;
		ret = sgpu_engine_yield();
		if (ret)
			return ret;
	}
	return 0;
}

static int sgpu_engine_copy(struct sgpu_engine_ctx *ctx)
{
	struct drm_sgpu_engine *cmd = ctx->cmd;
	u64 done = 0;
	int ret;

	while (done < cmd->size) {
		unsigned long s = cmd->src + done, d = cmd->dst + done;
		size_t n = sgpu_engine_chunk(s, cmd->size - done);

		n = sgpu_engine_chunk(d, n);
		ret = sgpu_engine_load(ctx, s, cmd->src + cmd->size,
				       ctx->bounce, n);
		if (ret)
			return ret;
		ret = sgpu_engine_store(ctx, d, cmd->dst + cmd->size,
					ctx->bounce, n, NULL);
		if (ret)
			return ret;
		done += n;
		ret = sgpu_engine_yield();
		if (ret)
			return ret;
	}
	return 0;
}

static int sgpu_engine_fill(struct sgpu_engine_ctx *ctx)
{
	struct drm_sgpu_engine *cmd = ctx->cmd;
	u32 pattern = (u32)cmd->operand;
	u64 done = 0;
	int ret;

	while (done < cmd->size) {
		unsigned long addr = cmd->dst + done;
		size_t n = sgpu_engine_chunk(addr, cmd->size - done);

		ret = sgpu_engine_store(ctx, addr, cmd->dst + cmd->size, NULL,
					n, &pattern);
		if (ret)
			return ret;
		done += n;
		ret = sgpu_engine_yield();
		if (ret)
			return ret;
	}
	return 0;
}

/* Fault the range in, as a GPU prefetch would, touching nothing. */
static int sgpu_engine_prefetch(struct sgpu_engine_ctx *ctx)
{
	struct drm_sgpu_engine *cmd = ctx->cmd;
	bool write = cmd->flags & SGPU_ENGINE_PREFETCH_WRITE;
	unsigned long end = cmd->dst + cmd->size;
	unsigned long addr = cmd->dst;
	struct page *page;
	int ret;

	while (addr < end) {
		ret = sgpu_engine_translate(ctx, addr, end, write, &page);
		if (ret)
			return ret;
		mutex_unlock(&ctx->svm->lock);
		addr = (addr & PAGE_MASK) + PAGE_SIZE;
		ret = sgpu_engine_yield();
		if (ret)
			return ret;
	}
	return 0;
}

static int sgpu_engine_atomic(struct sgpu_engine_ctx *ctx)
{
	struct drm_sgpu_engine *cmd = ctx->cmd;
	bool is32 = cmd->flags & SGPU_ENGINE_ATOMIC_32;
	struct page *page;
	void *kaddr, *p;
	int ret;

	ret = sgpu_engine_translate(ctx, cmd->dst, cmd->dst + 1, true, &page);
	if (ret)
		return ret;
	kaddr = kmap_local_page(page);
	p = kaddr + offset_in_page(cmd->dst);
	/* The CPU's own atomics: coherent with CPU threads using the page. */
	switch (cmd->op) {
	case SGPU_ENGINE_ATOMIC_ADD:
		cmd->result = is32 ?
			(u32)atomic_fetch_add((int)cmd->operand, p) :
			(u64)atomic64_fetch_add((s64)cmd->operand, p);
		break;
	case SGPU_ENGINE_ATOMIC_XCHG:
		cmd->result = is32 ?
			(u32)atomic_xchg(p, (int)cmd->operand) :
			(u64)atomic64_xchg(p, (s64)cmd->operand);
		break;
	default:	/* SGPU_ENGINE_ATOMIC_CMPXCHG */
		cmd->result = is32 ?
			(u32)atomic_cmpxchg(p, (int)cmd->compare,
					    (int)cmd->operand) :
			(u64)atomic64_cmpxchg(p, (s64)cmd->compare,
					      (s64)cmd->operand);
		break;
	}
	kunmap_local(kaddr);
	mutex_unlock(&ctx->svm->lock);
	return 0;
}

int sgpu_engine_check(const struct drm_sgpu_engine *cmd)
{
	u64 align;

	if (cmd->op >= SGPU_ENGINE_OP_COUNT)
		return -EINVAL;
	if (cmd->flags & ~SGPU_ENGINE_FLAGS_ALL)
		return -EINVAL;
	if (cmd->pad)
		return -EINVAL;
	switch (cmd->op) {
	case SGPU_ENGINE_NOP:
		return 0;
	case SGPU_ENGINE_ATOMIC_ADD:
	case SGPU_ENGINE_ATOMIC_XCHG:
	case SGPU_ENGINE_ATOMIC_CMPXCHG:
		align = cmd->flags & SGPU_ENGINE_ATOMIC_32 ? 4 : 8;
		if (cmd->dst & (align - 1))
			return -EINVAL;
		return cmd->dst < TASK_SIZE ? 0 : -EINVAL;
	default:
		break;
	}
	if (!cmd->size || cmd->size > SGPU_ENGINE_MAX_BYTES)
		return -EINVAL;
	if (cmd->dst + cmd->size < cmd->dst || cmd->dst + cmd->size > TASK_SIZE)
		return -EINVAL;
	if (cmd->op == SGPU_ENGINE_COPY &&
	    (cmd->src + cmd->size < cmd->src ||
	     cmd->src + cmd->size > TASK_SIZE))
		return -EINVAL;
	if ((cmd->op == SGPU_ENGINE_READ || cmd->op == SGPU_ENGINE_WRITE) &&
	    cmd->data + cmd->size < cmd->data)
		return -EINVAL;
	if (cmd->op == SGPU_ENGINE_FILL && ((cmd->dst | cmd->size) & 3))
		return -EINVAL;
	return 0;
}

int sgpu_engine_run(struct sgpu_svm *svm, struct drm_sgpu_engine *cmd)
{
	struct sgpu_engine_ctx ctx = { .svm = svm, .cmd = cmd };
	int ret;

	cmd->status = SGPU_STATUS_OK;
	cmd->fault_addr = 0;
	cmd->faults = 0;
	cmd->result = 0;
	if (cmd->op == SGPU_ENGINE_NOP)
		return 0;
	if (cmd->op <= SGPU_ENGINE_FILL) {
		ctx.bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!ctx.bounce)
			return -ENOMEM;
	}
	switch (cmd->op) {
	case SGPU_ENGINE_READ:
		ret = sgpu_engine_read(&ctx);
		break;
	case SGPU_ENGINE_WRITE:
		ret = sgpu_engine_write(&ctx);
		break;
	case SGPU_ENGINE_COPY:
		ret = sgpu_engine_copy(&ctx);
		break;
	case SGPU_ENGINE_FILL:
		ret = sgpu_engine_fill(&ctx);
		break;
	case SGPU_ENGINE_PREFETCH:
		ret = sgpu_engine_prefetch(&ctx);
		break;
	default:
		ret = sgpu_engine_atomic(&ctx);
		break;
	}
	kfree(ctx.bounce);
	if (ret > 0) {
		cmd->status = ret;
		ret = 0;
	}
	return ret;
}
