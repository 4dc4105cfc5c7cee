/*
 * duty25: consolidates schools' monthly safety-duty returns for a district
 * education bureau.  main() sets up the process and hands over to the
 * command line (src/cmd/cli.c); each command lives in src/cmd/<name>.c.
 */
#include "cmd/cli.h"

#include <locale.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

int main(int argc, char **argv)
{
#ifdef __GLIBC__
    /* Each return allocates and frees buffers of a few hundred KB; keep
     * them on the heap instead of an mmap/munmap (and page faults) each. */
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    mallopt(M_TOP_PAD, 4 << 20);
#endif
    /* The user's locale (Chinese system messages where glibc has them,
     * character widths), but numbers always read and written with a dot. */
    setlocale(LC_ALL, "");
    setlocale(LC_NUMERIC, "C");
    return d25_cli_main(argc, argv);
}
