/* LD_PRELOAD library for the foreign-architecture test only: corrects the
 * msg_lspid and msg_lrpid that msgctl(IPC_STAT) reports under a qemu-user
 * whose struct msqid_ds layout for 64-bit guests is wrong (see lrpid-probe.c),
 * from the kernel's own /proc/sysvipc/msg. run-foreign-arch.sh loads it only
 * when lrpid-probe shows the bug; the programs under test are unchanged. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <sys/msg.h>

int msgctl(int msqid, int cmd, struct msqid_ds *buf) {
  static int (*real_msgctl)(int, int, struct msqid_ds *);
  if (real_msgctl == NULL) real_msgctl = (int (*)(int, int, struct msqid_ds *))dlsym(RTLD_NEXT, "msgctl");
  int result = real_msgctl(msqid, cmd, buf);
  if (result == -1 || buf == NULL) return result;
  int id;
  if (cmd == IPC_STAT) id = msqid;
  else if (cmd == MSG_STAT || cmd == MSG_STAT_ANY) id = result; /* these return the queue's id */
  else return result;
  FILE *table = fopen("/proc/sysvipc/msg", "re");
  if (table == NULL) return result;
  char line[512];
  if (fgets(line, sizeof line, table) != NULL) { /* the header */
    while (fgets(line, sizeof line, table) != NULL) {
      int key, qid, lspid, lrpid;
      unsigned int perms;
      unsigned long cbytes, qnum;
      if (sscanf(line, "%d %d %o %lu %lu %d %d", &key, &qid, &perms, &cbytes, &qnum, &lspid, &lrpid) == 7 &&
          qid == id) {
        buf->msg_lspid = lspid;
        buf->msg_lrpid = lrpid;
        break;
      }
    }
  }
  fclose(table);
  return result;
}
