/*
 * docbaod — what `docbao daemon` becomes (docbao execs it): the control socket and MPRIS in a
 * process that links neither the speech nor the sound libraries, so that a daemon left
 * running all day costs a few MB. The player runs in worker processes (remote.h, worker.h).
 *
 *   docbaod [-q] [--no-mpris] -- DOCBAO __worker [OPTION...]
 *
 * -q: no status lines; --no-mpris: stay off the session bus; then the worker's command line
 * (the docbao program and the daemon's own options, with the command word "__worker").
 * Exit status: 0, or 1 when the daemon could not start (another one runs, no sound device).
 */
#include <stdio.h>
#include <string.h>

#include "docbao/ctl.h"
#include "docbao/daemon.h"
#include "docbao/i18n.h"
#include "docbao/remote.h"

int main(int argc, char **argv)
{
    i18n_init();
    struct daemon_opts dopts = {0, 0};
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "-q") == 0) {
            dopts.quiet = 1;
        } else if (strcmp(argv[i], "--no-mpris") == 0) {
            dopts.no_mpris = 1;
        } else {
            fprintf(stderr, "docbao: %s\n",
                    _("docbaod is started by 'docbao daemon'; run that instead."));
            return 2;
        }
    }
    if (i + 1 >= argc) {
        fprintf(stderr, "docbao: %s\n",
                _("docbaod is started by 'docbao daemon'; run that instead."));
        return 2;
    }
    struct daemon *d;
    if (daemon_new(&dopts, &d) < 0)
        return 1;
    struct player *p;
    if (remote_new(argv + i + 1, &p) < 0) {
        fprintf(stderr, "docbao: %s\n", _("cannot start the player process"));
        daemon_free(d);
        return 1;
    }
    int rc = 0;
    for (;;) {
        struct ctl_request req = {CTL_REQ_NONE, NULL, NULL, -1, NULL, 0, 0};
        rc = daemon_serve(d, p, &req);
        if (rc < 0 || req.kind == CTL_REQ_NONE) {
            ctl_request_clear(&req);
            break;
        }
        char why[512];
        int qrc = remote_request(p, &req, why, sizeof(why));
        if (qrc < 0)
            fprintf(stderr, "docbao: %s\n", why);
        daemon_answer(d, &req, qrc, qrc < 0 ? why : NULL);
        ctl_request_clear(&req);
    }
    int frc = remote_free(p);
    daemon_free(d);
    return rc < 0 || frc < 0 ? 1 : 0;
}
