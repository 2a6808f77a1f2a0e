/* Name tables of the standard function library, shared by both back ends (one source). */
#ifndef BSTAP_FUNCNAMES_H
#define BSTAP_FUNCNAMES_H

/* errno_str(): SystemTap's table (its tapset errno.stp, x86_64 values); "" where it has none */
#define FUNC_NERRNO 132
#define FUNC_ERRNO_WIDTH 16
extern const char func_errno_names[FUNC_NERRNO][FUNC_ERRNO_WIDTH];

/* signal_str(): stap's __sig table (tapset signal.stp), 1..64; "" elsewhere */
#define FUNC_NSIG 65
#define FUNC_SIG_WIDTH 10
extern const char func_signal_names[FUNC_NSIG][FUNC_SIG_WIDTH];

#endif
