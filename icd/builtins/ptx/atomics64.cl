// SPDX-License-Identifier: MIT
/* cl_khr_int64_base_atomics and cl_khr_int64_extended_atomics, which the
 * cuda device reports and libclc 19's nvptx64--nvidiacl library lacks: the
 * atom_ functions on 64-bit integers in global and local memory, through
 * clang's atomic built-ins (PTX atom.*.u64 / .s64). */
#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
#pragma OPENCL EXTENSION cl_khr_int64_extended_atomics : enable

#define OVL __attribute__((overloadable))
#define ATOMS(T, AS)                                                                       \
	OVL T atom_add(volatile AS T *p, T v) { return __sync_fetch_and_add(p, v); }       \
	OVL T atom_sub(volatile AS T *p, T v) { return __sync_fetch_and_sub(p, v); }       \
	OVL T atom_inc(volatile AS T *p) { return __sync_fetch_and_add(p, (T)1); }         \
	OVL T atom_dec(volatile AS T *p) { return __sync_fetch_and_sub(p, (T)1); }         \
	OVL T atom_xchg(volatile AS T *p, T v)                                             \
	{                                                                                  \
		return __atomic_exchange_n(p, v, __ATOMIC_RELAXED);                        \
	}                                                                                  \
	OVL T atom_cmpxchg(volatile AS T *p, T cmp, T v)                                   \
	{                                                                                  \
		return __sync_val_compare_and_swap(p, cmp, v);                             \
	}                                                                                  \
	OVL T atom_min(volatile AS T *p, T v)                                              \
	{                                                                                  \
		return __atomic_fetch_min(p, v, __ATOMIC_RELAXED);                         \
	}                                                                                  \
	OVL T atom_max(volatile AS T *p, T v)                                              \
	{                                                                                  \
		return __atomic_fetch_max(p, v, __ATOMIC_RELAXED);                         \
	}                                                                                  \
	OVL T atom_and(volatile AS T *p, T v) { return __sync_fetch_and_and(p, v); }       \
	OVL T atom_or(volatile AS T *p, T v) { return __sync_fetch_and_or(p, v); }         \
	OVL T atom_xor(volatile AS T *p, T v) { return __sync_fetch_and_xor(p, v); }

ATOMS(long, global)
ATOMS(ulong, global)
ATOMS(long, local)
ATOMS(ulong, local)
