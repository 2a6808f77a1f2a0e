/* bstap's version, as --version, the compile cache key and bstap-run print it. */
#ifndef BSTAP_VERSION_H
#define BSTAP_VERSION_H

#define BSTAP_VERSION "0.2.0"

#endif
