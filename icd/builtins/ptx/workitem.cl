// SPDX-License-Identifier: MIT
/* The work-item functions of the cuda device (linked before libclc, whose
 * versions are weak and know nothing of global offsets, non-uniform groups
 * or split launches).
 *
 * An NDRange may run as several CUDA grids (a non-uniform edge needs
 * smaller blocks), so the runtime writes the launch's geometry into
 * __svmgpu_geom before each grid (devices/cuda/cuda_launch.c): the grid's
 * first group, and the NDRange's offsets, sizes and group counts. Block
 * indices and sizes come from the PTX special registers. */

struct svmgpu_ptx_geometry {
	uint work_dim;
	uint reserved;
	ulong global_offset[3];
	ulong global_size[3];
	ulong enqueued_local_size[3];
	ulong num_groups[3];
	ulong group_offset[3]; /* this grid's first group */
};

global struct svmgpu_ptx_geometry __svmgpu_geom;

static uint tid(uint d)
{
	return d == 0 ? __nvvm_read_ptx_sreg_tid_x() :
	       d == 1 ? __nvvm_read_ptx_sreg_tid_y() : __nvvm_read_ptx_sreg_tid_z();
}

static uint ntid(uint d)
{
	return d == 0 ? __nvvm_read_ptx_sreg_ntid_x() :
	       d == 1 ? __nvvm_read_ptx_sreg_ntid_y() : __nvvm_read_ptx_sreg_ntid_z();
}

static uint ctaid(uint d)
{
	return d == 0 ? __nvvm_read_ptx_sreg_ctaid_x() :
	       d == 1 ? __nvvm_read_ptx_sreg_ctaid_y() : __nvvm_read_ptx_sreg_ctaid_z();
}

__attribute__((overloadable)) uint get_work_dim(void)
{
	return __svmgpu_geom.work_dim;
}

__attribute__((overloadable)) size_t get_local_id(uint d)
{
	return d < 3 ? tid(d) : 0;
}

__attribute__((overloadable)) size_t get_local_size(uint d)
{
	return d < 3 ? ntid(d) : 1;
}

__attribute__((overloadable)) size_t get_enqueued_local_size(uint d)
{
	return d < 3 ? __svmgpu_geom.enqueued_local_size[d] : 1;
}

__attribute__((overloadable)) size_t get_group_id(uint d)
{
	return d < 3 ? __svmgpu_geom.group_offset[d] + ctaid(d) : 0;
}

__attribute__((overloadable)) size_t get_num_groups(uint d)
{
	return d < 3 ? __svmgpu_geom.num_groups[d] : 1;
}

__attribute__((overloadable)) size_t get_global_size(uint d)
{
	return d < 3 ? __svmgpu_geom.global_size[d] : 1;
}

__attribute__((overloadable)) size_t get_global_offset(uint d)
{
	return d < 3 ? __svmgpu_geom.global_offset[d] : 0;
}

__attribute__((overloadable)) size_t get_global_id(uint d)
{
	if (d >= 3)
		return 0;
	return (__svmgpu_geom.group_offset[d] + ctaid(d)) * __svmgpu_geom.enqueued_local_size[d] +
	       tid(d) + __svmgpu_geom.global_offset[d];
}

__attribute__((overloadable)) size_t get_local_linear_id(void)
{
	return ((size_t)tid(2) * ntid(1) + tid(1)) * ntid(0) + tid(0);
}

__attribute__((overloadable)) size_t get_global_linear_id(void)
{
	size_t id = 0;

	for (int d = 2; d >= 0; d--)
		id = id * __svmgpu_geom.global_size[d] +
		     (get_global_id((uint)d) - __svmgpu_geom.global_offset[d]);
	return id;
}
