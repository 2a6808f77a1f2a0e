/*
 * The ".bstap" section of a compiled object: everything the runtime needs besides the BPF
 * code — the metadata (struct meta) and the typed program whose begin/end/error and
 * userspace-timer handlers the evaluator runs. Written and read by one codec,
 * prog/objcodec.c, so a compiled object runs without the compiler.
 *
 * Encoding: host byte order (an object is built for the arch it runs on), u32/u64/s64
 * fixed-size integers, strings as u32 length + bytes (length 0xffffffff: NULL), nodes as a presence byte + fields.
 */
#ifndef BSTAP_OBJFMT_H
#define BSTAP_OBJFMT_H

#define BSTAP_OBJ_SECTION ".bstap"
#define BSTAP_OBJ_MAGIC "BSTAPOBJ"
#define BSTAP_OBJ_VERSION 7u	/* 2: key_len per key field; 3: attach specs, placement,
				 * nullable strings, checked enums; 4: tracepoint and perf
				 * kinds, perf_type; 5: histograms, variance, wrap-around;
				 * 6: kprobes, probe groups' locations; 7: MAXSTRINGLEN
				 * 512, key_cut */

/* How a variable reference names its symbol. */
enum objfmt_symref { OSR_NONE = 0, OSR_GLOBAL = 1, OSR_LOCAL = 2, OSR_PARAM = 3 };

#endif
