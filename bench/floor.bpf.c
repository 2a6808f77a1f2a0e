/* The floor of bench/events.sh: empty programs on the hot events, one per attach mechanism. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("raw_tp/sys_enter")
int raw_sys_enter(void *ctx)
{
	(void)ctx;
	return 0;
}

SEC("tracepoint/raw_syscalls/sys_enter")
int tp_sys_enter(void *ctx)
{
	(void)ctx;
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_getppid")
int tp_getppid(void *ctx)
{
	(void)ctx;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
