#ifndef PROCESS_SHIM_H
#define PROCESS_SHIM_H
// Asks the kernel to kill this process when its parent dies (Linux prctl PR_SET_PDEATHSIG; variadic in C, so
// Swift cannot call it directly). Returns 0 on success, -1 where unsupported.
int icar_exit_with_parent(void);
#endif
