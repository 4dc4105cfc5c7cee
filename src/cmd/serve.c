/*
 * serve: the intranet page (src/serve): units hand in and check their own
 * returns on their personal links, the office sees the month live.
 */
#include "commands.h"
#include "cli.h"
#include "../serve/serve.h"
#include "../store/store.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const char usage[] =
    "\n"
    "在局域网内提供报送网页：各单位打开自己的专用链接（duty25 links 列出），查看本月报送情况，\n"
    "上传报表“只检查”（立即给出与 duty25 validate 相同的检查意见，不保存）或“正式报送”\n"
    "（与 duty25 ingest 相同地检查并存入数据库，收到时间为上传的时间，文件保存在收件箱的\n"
    "网页上传/YYYY-MM/ 中），退回的可下载退回通知；办公室用密码登录后查看本月报送情况\n"
    "（与 duty25 status 相同）、最近收到的报表、数据质量提醒，并下载报告和统计表。\n"
    "与 duty25 run / ingest 共用同一数据库和写入锁，可以同时运行。每次上传、登录在标准错误\n"
    "输出记一行日志（作为 systemd 服务运行时进入系统日志）。按 Ctrl+C 停止。\n"
    "\n"
    "选项：\n"
    "  --listen 地址:端口  监听的地址（默认取配置 [serve] listen，未设置时 127.0.0.1:8025；\n"
    "                     端口 0 表示任选一个空闲端口，启动时在日志中给出）\n"
    "  --period YYYY-MM   收取和显示的月份（默认：当月）\n"
    "  --db 文件          数据库文件（默认取配置 [store] database）\n"
    "  --hash-password    从标准输入读一个密码，输出填入 [serve] password 的加盐散列值，然后退出\n"
    "  -h, --help         显示本帮助\n"
    "\n"
    "上传大小、同时连接和同时上传的数量见配置 [serve]。\n"
    "退出码：0 正常停止；2 用法或配置错误；3 无法监听或打开数据库。\n"
    "\n"
    "示例：\n"
    "  duty25 serve --hash-password\n"
    "  duty25 serve --listen 0.0.0.0:8025\n";

static volatile int stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static int hash_password(void)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fputs("请输入办公室密码：", stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    char line[256];
    bool got = fgets(line, sizeof line, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        fputc('\n', stderr);
    }
    if (got)
        line[strcspn(line, "\r\n")] = '\0';
    if (!got || !line[0]) {
        fputs("duty25 serve：没有读到密码\n", stderr);
        return D25_EXIT_USAGE;
    }
    if (strlen(line) < 8) {
        fputs("duty25 serve：密码太短，至少 8 个字符\n", stderr);
        return D25_EXIT_USAGE;
    }
    char *h = d25_serve_hash_password(line);
    memset(line, 0, sizeof line);
    if (!h) {
        fputs("duty25 serve：无法取得随机数\n", stderr);
        return D25_EXIT_IO;
    }
    printf("%s\n", h);
    if (tty)
        fputs("把上面一行填在配置文件 [serve] password = 之后。\n", stderr);
    free(h);
    return D25_EXIT_OK;
}

int cmd_serve(int argc, char **argv, const d25_global *g)
{
    static const struct option opts[] = {
        {"listen", required_argument, NULL, 'l'}, {"period", required_argument, NULL, 'p'},
        {"db", required_argument, NULL, 'd'},     {"hash-password", no_argument, NULL, 'H'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *listen = NULL, *period_arg = NULL, *db_arg = NULL;
    bool hash = false;
    d25_optstate os = {0};
    int c;
    while ((c = d25_cmd_getopt(&os, argc, argv, "h", opts, "serve", usage)) > 0) {
        switch (c) {
        case 'l': listen = optarg; break;
        case 'p': period_arg = optarg; break;
        case 'd': db_arg = optarg; break;
        case 'H': hash = true; break;
        }
    }
    if (c == 0)
        return os.exit;
    if (optind < argc)
        return d25_cli_usage_error("多余的参数“%s”", argv[optind]);
    if (hash)
        return hash_password();
    int period = -1;
    if (period_arg && d25_cmd_period("serve", period_arg, false, &period))
        return D25_EXIT_USAGE;
    d25_setup su;
    int rc = d25_cmd_setup(g, NULL, NULL, &su);
    if (rc)
        return rc;
    const char *db;
    if ((rc = d25_cmd_db_for_writing(&su.cfg, db_arg, &db))) {
        d25_cmd_teardown(&su);
        return rc;
    }
    if (su.cfg.serve.password && d25_serve_check_password(su.cfg.serve.password, "") < 0) {
        fprintf(stderr, "duty25 serve：配置文件 %s 中 [serve] password 不是加盐的散列值；"
                        "请运行 duty25 serve --hash-password，把输出的一行填入\n",
                su.cfg.path ? su.cfg.path : "");
        d25_cmd_teardown(&su);
        return D25_EXIT_USAGE;
    }
    /* The database made (or migrated) and every unit given its link before
     * the first request. */
    d25_error err = {0};
    d25_store *s = d25_store_open(db, su.cfg.lock_wait, &err);
    if (!s || d25_store_unit_tokens(s, su.reg, true, NULL, NULL, &err) < 0) {
        fprintf(stderr, "duty25 serve：%s\n", err.message);
        d25_store_close(s);
        d25_cmd_teardown(&su);
        return err.code == D25_E_LOCKED ? D25_EXIT_LOCKED : D25_EXIT_IO;
    }
    d25_store_close(s);
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    d25_serve_opts o = {.su = &su,
                        .db = db,
                        .listen = listen ? listen : su.cfg.serve.listen ? su.cfg.serve.listen : "127.0.0.1:8025",
                        .period = period,
                        .log = stderr,
                        .stop = &stop_flag};
    if (d25_serve_run(&o, &err) < 0) {
        fprintf(stderr, "duty25 serve：%s\n", err.message);
        rc = err.code == D25_E_USAGE ? D25_EXIT_USAGE : D25_EXIT_IO;
    }
    d25_cmd_teardown(&su);
    return rc;
}
