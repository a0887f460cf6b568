// SPDX-License-Identifier: GPL-2.0-only
/*
 * sgpu: DRM device glue for an emulated GPU with shared virtual memory.
 *
 * A platform device "sgpu" with a render node. Each open file is a GPU
 * client: SVM_INIT gives it an SVM core (sgpu_svm.c) mirroring the caller's
 * address space, the engine (sgpu_engine.c) accesses memory through it.
 */
#include <linux/build_bug.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/stddef.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>

#include "sgpu_engine.h"
#include "sgpu_svm.h"
#include "sgpu_vram.h"

#define DRIVER_NAME	"sgpu"
#define DRIVER_DESC	"Emulated GPU with HMM shared virtual memory"
#define DRIVER_MAJOR	0
#define DRIVER_MINOR	1

/* The nouveau SVM uAPI, byte for byte (include/uapi/drm/nouveau_drm.h). */
static_assert(sizeof(struct drm_sgpu_svm_init) == 16);
static_assert(offsetof(struct drm_sgpu_svm_init, unmanaged_size) == 8);
static_assert(sizeof(struct drm_sgpu_svm_bind) == 64);
static_assert(offsetof(struct drm_sgpu_svm_bind, va_start) == 8);
static_assert(offsetof(struct drm_sgpu_svm_bind, va_end) == 16);
static_assert(offsetof(struct drm_sgpu_svm_bind, npages) == 24);
static_assert(offsetof(struct drm_sgpu_svm_bind, stride) == 32);
static_assert(offsetof(struct drm_sgpu_svm_bind, result) == 40);
static_assert(offsetof(struct drm_sgpu_svm_bind, reserved0) == 48);
static_assert(offsetof(struct drm_sgpu_svm_bind, reserved1) == 56);
static_assert(DRM_IOCTL_SGPU_SVM_INIT == 0xc0106448);
static_assert(DRM_IOCTL_SGPU_SVM_BIND == 0xc0406449);
/* sgpu's own structures: no implicit padding, same on 32-bit userspace. */
static_assert(sizeof(struct drm_sgpu_info) == 32);
static_assert(sizeof(struct drm_sgpu_engine) == 88);
static_assert(sizeof(struct drm_sgpu_snapshot) == 32);
static_assert(sizeof(struct drm_sgpu_counters) == 128);

/* Pages one SNAPSHOT call may cover, and how many are read at a time. */
#define SGPU_SNAPSHOT_MAX_PAGES	(1UL << 24)
#define SGPU_SNAPSHOT_CHUNK	4096UL

static unsigned long long vram_base;
module_param(vram_base, ullong, 0444);
MODULE_PARM_DESC(vram_base,
		 "Physical address of device-coherent VRAM, a range kept from the kernel with memmap=SIZE$BASE (0: device-private VRAM if vram_size is set, on kernels with DEVICE_PRIVATE)");
static unsigned long long vram_size;
module_param(vram_size, ullong, 0444);
MODULE_PARM_DESC(vram_size, "Bytes of emulated VRAM, a 2 MiB multiple (0: no VRAM, no migration)");

struct sgpu_device {
	struct drm_device drm;
};

struct sgpu_file {
	struct mutex lock;		/* SVM_INIT against SVM_INIT */
	struct sgpu_svm *svm;		/* set once, freed at postclose */
	atomic64_t engine_cmds;
};

static struct sgpu_svm *sgpu_file_svm(struct drm_file *file)
{
	struct sgpu_file *f = file->driver_priv;

	/* Pairs with smp_store_release() in sgpu_ioctl_svm_init(). */
	return smp_load_acquire(&f->svm);
}

static int sgpu_ioctl_svm_init(struct drm_device *dev, void *data,
			       struct drm_file *file)
{
	struct drm_sgpu_svm_init *args = data;
	struct sgpu_file *f = file->driver_priv;
	struct sgpu_svm *svm;
	int ret = 0;

	mutex_lock(&f->lock);
	if (f->svm) {
		ret = -EBUSY;
		goto out;
	}
	/* Stricter than nouveau, compatibly: no window that wraps around. */
	if (args->unmanaged_addr + args->unmanaged_size < args->unmanaged_addr) {
		ret = -EINVAL;
		goto out;
	}
	if (!current->mm) {
		ret = -EINVAL;
		goto out;
	}
	svm = sgpu_svm_create(current->mm, args->unmanaged_addr,
			      args->unmanaged_size);
	if (IS_ERR(svm)) {
		ret = PTR_ERR(svm);
		goto out;
	}
	/* Publish a fully set up core to the lockless readers. */
	smp_store_release(&f->svm, svm);
out:
	mutex_unlock(&f->lock);
	return ret;
}

/* Same checks in the same order, with the same codes, as nouveau. */
static int sgpu_ioctl_svm_bind(struct drm_device *dev, void *data,
			       struct drm_file *file)
{
	struct drm_sgpu_svm_bind *args = data;
	struct sgpu_svm *svm;
	unsigned int cmd, target;
	long ret;

	args->va_start &= PAGE_MASK;
	args->va_end = ALIGN(args->va_end, PAGE_SIZE);

	if (args->reserved0 || args->reserved1)
		return -EINVAL;
	if (args->header & ~SGPU_SVM_BIND_VALID_MASK)
		return -EINVAL;
	if (args->va_start >= args->va_end)
		return -EINVAL;

	cmd = (args->header >> SGPU_SVM_BIND_COMMAND_SHIFT) &
	      SGPU_SVM_BIND_COMMAND_MASK;
	if (cmd != SGPU_SVM_BIND_COMMAND__MIGRATE)
		return -EINVAL;
	target = (args->header >> SGPU_SVM_BIND_TARGET_SHIFT) &
		 SGPU_SVM_BIND_TARGET_MASK;
	if (target != SGPU_SVM_BIND_TARGET__GPU_VRAM)
		return -EINVAL;
	if (args->stride)
		return -EINVAL;

	svm = sgpu_file_svm(file);
	if (!current->mm || !svm)
		return -EINVAL;

	/*
	 * Best effort, as in nouveau, but sgpu reports what it migrated
	 * (nouveau always says 0): fewer pages than the range holds when some
	 * are file-backed, pinned, already in VRAM, or VRAM is full.
	 */
	args->result = 0;
	ret = sgpu_svm_migrate_to_vram(svm, args->va_start, args->va_end);
	if (ret < 0)
		return ret;
	args->result = ret;
	return 0;
}

static int sgpu_ioctl_info(struct drm_device *dev, void *data,
			   struct drm_file *file)
{
	struct drm_sgpu_info *info = data;

	memset(info, 0, sizeof(*info));
	info->version = SGPU_UAPI_VERSION;
	info->page_shift = PAGE_SHIFT;
	info->caps = SGPU_CAP_MIRROR | SGPU_CAP_HUGE;
	if (sgpu_svm_can_migrate())
		info->caps |= SGPU_CAP_MIGRATE_VRAM;
	if (sgpu_vram_is_private())
		info->caps |= SGPU_CAP_VRAM_PRIVATE;
	info->vram_size = sgpu_vram_size();
	info->max_engine_bytes = SGPU_ENGINE_MAX_BYTES;
	return 0;
}

static int sgpu_ioctl_engine(struct drm_device *dev, void *data,
			     struct drm_file *file)
{
	struct drm_sgpu_engine *cmd = data;
	struct sgpu_file *f = file->driver_priv;
	struct sgpu_svm *svm;
	int ret;

	ret = sgpu_engine_check(cmd);
	if (ret)
		return ret;
	svm = sgpu_file_svm(file);
	if (!svm)
		return -EINVAL;
	atomic64_inc(&f->engine_cmds);
	return sgpu_engine_run(svm, cmd);
}

static int sgpu_ioctl_snapshot(struct drm_device *dev, void *data,
			       struct drm_file *file)
{
	struct drm_sgpu_snapshot *args = data;
	u8 __user *out = u64_to_user_ptr(args->ptr);
	unsigned long addr = args->addr, done = 0;
	struct sgpu_svm *svm;
	u8 *buf;
	int ret = 0;

	if (args->flags & ~SGPU_SNAPSHOT_CPU || args->pad)
		return -EINVAL;
	if (offset_in_page(args->addr) || !args->npages ||
	    args->npages > SGPU_SNAPSHOT_MAX_PAGES)
		return -EINVAL;
	if (args->addr + (args->npages << PAGE_SHIFT) < args->addr ||
	    args->addr + (args->npages << PAGE_SHIFT) > TASK_SIZE)
		return -EINVAL;
	svm = sgpu_file_svm(file);
	if (!svm)
		return -EINVAL;

	buf = kmalloc(SGPU_SNAPSHOT_CHUNK, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	while (done < args->npages) {
		unsigned long n = min(args->npages - done, SGPU_SNAPSHOT_CHUNK);

		if (args->flags & SGPU_SNAPSHOT_CPU) {
			ret = sgpu_svm_snapshot_cpu(svm, addr, n, buf);
			if (ret)
				break;
		} else {
			sgpu_svm_snapshot(svm, addr, n, buf);
		}
		if (copy_to_user(out + done, buf, n)) {
			ret = -EFAULT;
			break;
		}
		done += n;
		addr += n << PAGE_SHIFT;
		cond_resched();
	}
	kfree(buf);
	return ret;
}

static int sgpu_ioctl_counters(struct drm_device *dev, void *data,
			       struct drm_file *file)
{
	struct drm_sgpu_counters *c = data;
	struct sgpu_file *f = file->driver_priv;
	struct sgpu_svm_stats s;
	struct sgpu_svm *svm;

	memset(c, 0, sizeof(*c));
	svm = sgpu_file_svm(file);
	if (!svm)
		return -EINVAL;
	sgpu_svm_get_stats(svm, &s);
	c->faults = s.faults;
	c->faults_failed = s.faults_failed;
	c->pages_faulted = s.pages_faulted;
	c->retries = s.retries;
	c->invalidations = s.invalidations;
	c->pages_invalidated = s.pages_invalidated;
	c->migrations = s.migrations;
	c->mirrored_pages = s.mirrored_pages;
	c->engine_cmds = atomic64_read(&f->engine_cmds);
	c->invalidate_ns = s.invalidate_ns;
	return 0;
}

static const struct drm_ioctl_desc sgpu_ioctls[] = {
	DRM_IOCTL_DEF_DRV(SGPU_SVM_INIT, sgpu_ioctl_svm_init, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SGPU_SVM_BIND, sgpu_ioctl_svm_bind, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SGPU_INFO, sgpu_ioctl_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SGPU_ENGINE, sgpu_ioctl_engine, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SGPU_SNAPSHOT, sgpu_ioctl_snapshot, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(SGPU_COUNTERS, sgpu_ioctl_counters, DRM_RENDER_ALLOW),
};

static int sgpu_open(struct drm_device *dev, struct drm_file *file)
{
	struct sgpu_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	atomic64_set(&f->engine_cmds, 0);
	file->driver_priv = f;
	return 0;
}

static void sgpu_postclose(struct drm_device *dev, struct drm_file *file)
{
	struct sgpu_file *f = file->driver_priv;

	if (f->svm)
		sgpu_svm_destroy(f->svm);
	mutex_destroy(&f->lock);
	kfree(f);
}

static const struct file_operations sgpu_fops = {
	.owner = THIS_MODULE,
	.open = drm_open,
	.release = drm_release,
	.unlocked_ioctl = drm_ioctl,
	.compat_ioctl = drm_compat_ioctl,
	.poll = drm_poll,
	.read = drm_read,
	.llseek = noop_llseek,
};

static const struct drm_driver sgpu_driver = {
	.driver_features = DRIVER_RENDER,
	.open = sgpu_open,
	.postclose = sgpu_postclose,
	.ioctls = sgpu_ioctls,
	.num_ioctls = ARRAY_SIZE(sgpu_ioctls),
	.fops = &sgpu_fops,
	.name = DRIVER_NAME,
	.desc = DRIVER_DESC,
#ifdef SGPU_HAVE_DRM_DRIVER_DATE	/* removed in 6.14 */
	.date = "20261125",
#endif
	.major = DRIVER_MAJOR,
	.minor = DRIVER_MINOR,
};

static struct platform_device *sgpu_pdev;
static struct sgpu_device *sgpu_dev;

/*
 * A platform device without a driver to bind: the DRM device's managed
 * resources live in a devres group of the platform device, released at exit.
 */
static int __init sgpu_init(void)
{
	struct sgpu_device *sdev;
	int ret;

	ret = sgpu_vram_init(vram_base, vram_size);
	if (ret)
		return ret;
	sgpu_pdev = platform_device_register_simple(DRIVER_NAME, -1, NULL, 0);
	if (IS_ERR(sgpu_pdev)) {
		sgpu_vram_fini();
		return PTR_ERR(sgpu_pdev);
	}
	if (!devres_open_group(&sgpu_pdev->dev, NULL, GFP_KERNEL)) {
		ret = -ENOMEM;
		goto out_unregister;
	}
	sdev = devm_drm_dev_alloc(&sgpu_pdev->dev, &sgpu_driver,
				  struct sgpu_device, drm);
	if (IS_ERR(sdev)) {
		ret = PTR_ERR(sdev);
		goto out_devres;
	}
	ret = drm_dev_register(&sdev->drm, 0);
	if (ret)
		goto out_devres;
	sgpu_dev = sdev;
	if (sgpu_svm_can_migrate())
		drm_info(&sdev->drm, "render node ready, %llu MiB of %s VRAM\n",
			 sgpu_vram_size() >> 20, sgpu_vram_is_private() ?
			 "device-private" : "device-coherent");
	else
		drm_info(&sdev->drm, "render node ready, no VRAM (no migration)\n");
	return 0;

out_devres:
	devres_release_group(&sgpu_pdev->dev, NULL);
out_unregister:
	platform_device_unregister(sgpu_pdev);
	sgpu_vram_fini();
	return ret;
}

static void __exit sgpu_exit(void)
{
	drm_dev_unregister(&sgpu_dev->drm);
	devres_release_group(&sgpu_pdev->dev, NULL);
	platform_device_unregister(sgpu_pdev);
	/* No file is open: only pages processes still map need moving. */
	sgpu_vram_fini();
}

module_init(sgpu_init);
module_exit(sgpu_exit);

MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_LICENSE("GPL");
