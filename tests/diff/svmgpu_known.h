/* SPDX-License-Identifier: MIT */
/* Known gaps of svmgpu (included by diff_runner.c): { fnmatch pattern, why }.
 * None at present. */
