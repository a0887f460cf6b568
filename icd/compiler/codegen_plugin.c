// SPDX-License-Identifier: MIT
/* The plugin's entry table: the only symbol libsvmgpu-codegen.so exports. */
#include "codegen.h"

__attribute__((visibility("default"))) const struct svmgpu_codegen_plugin svmgpu_codegen_plugin = {
	.version = SVMGPU_CODEGEN_PLUGIN_VERSION,
	.abi = SVMGPU_KERNEL_ABI_VERSION,
	.id = svmgpu_codegen_id,
	.link_bitcode = svmgpu_codegen_link_bitcode,
	.host = svmgpu_codegen,
	.ptx = svmgpu_codegen_ptx,
	.ptx_available = svmgpu_codegen_ptx_available,
};
