#include "process_shim.h"
#include <signal.h>
#ifdef __linux__
#include <sys/prctl.h>
int icar_exit_with_parent(void) { return prctl(PR_SET_PDEATHSIG, SIGKILL); }
#else
int icar_exit_with_parent(void) { return -1; }
#endif
