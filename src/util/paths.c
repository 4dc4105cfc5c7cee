/* paths: the data folder and the system configuration file (see paths.h). */
#include "paths.h"

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef D25_SYSCONFDIR
#define D25_SYSCONFDIR "/usr/local/etc"
#endif
#ifndef D25_DATADIR
#define D25_DATADIR "/usr/local/share/duty25"
#endif

/* Does dir hold config/duty25.ini and templates/统计表.docx? */
static bool is_share(const char *dir)
{
    char a[PATH_MAX], b[PATH_MAX];
    int na = snprintf(a, sizeof a, "%s/config/duty25.ini", dir);
    int nb = snprintf(b, sizeof b, "%s/templates/统计表.docx", dir);
    return na > 0 && (size_t)na < sizeof a && nb > 0 && (size_t)nb < sizeof b && access(a, R_OK) == 0 &&
           access(b, R_OK) == 0;
}

/* Cut the last component of dir ("/usr/bin" -> "/usr"); false at the top. */
static bool up(char *dir)
{
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return false;
    *slash = 0;
    return true;
}

char *d25_data_dir(void)
{
    char dir[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", dir, sizeof dir - 1);
    if (n > 0) {
        dir[n] = 0;
        if (up(dir)) { /* the binary's folder */
            if (is_share(dir))
                return strdup(dir);
            if (up(dir)) { /* PREFIX, or the source tree above build/ */
                char share[PATH_MAX];
                int ns = snprintf(share, sizeof share, "%s/share/duty25", dir);
                if (ns > 0 && (size_t)ns < sizeof share && is_share(share))
                    return strdup(share);
                if (is_share(dir))
                    return strdup(dir);
                if (up(dir) && is_share(dir)) /* above build/asan/ */
                    return strdup(dir);
            }
        }
    }
    return strdup(D25_DATADIR);
}

const char *d25_system_config(void)
{
    return D25_SYSCONFDIR "/duty25/duty25.ini";
}
