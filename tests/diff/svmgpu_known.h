/* SPDX-License-Identifier: MIT */
/* Known gaps of svmgpu (included by diff_runner.c): { fnmatch pattern, why }. */
{"addrspace/generic pointers, to_global*",
 "to_global/to_local/to_private return their argument for every pointer: the CPU "
 "device does not yet track which memory is a work-group's local memory or a "
 "work-item's stack"},
