/* Does IPC_STAT report the last receiver's PID? Sends and receives one message
 * on a private queue, then prints "lrpid PID" (msg_lrpid from msgctl) and
 * "self PID". Equal on any kernel; 0 under qemu-user before QEMU 10.2, which
 * copied the guest's 32-bit msg_lspid and msg_lrpid as 64-bit longs on 64-bit
 * guests, so that msg_lrpid received the upper half of msg_lspid ("linux-user:
 * fix layout of struct target_msq_id_ds", Andreas Schwab, October 2025). */
#include <stdio.h>
#include <string.h>
#include <sys/msg.h>
#include <unistd.h>

int main(void) {
  struct { long type; char text[8]; } message = { 1, "probe" };
  int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  if (id == -1) { perror("msgget"); return 2; }
  struct msqid_ds ds;
  memset(&ds, 0, sizeof ds);
  int ok = msgsnd(id, &message, sizeof message.text, 0) == 0 &&
           msgrcv(id, &message, sizeof message.text, 0, 0) >= 0 && msgctl(id, IPC_STAT, &ds) == 0;
  if (!ok) perror("msgsnd/msgrcv/msgctl");
  msgctl(id, IPC_RMID, NULL);
  if (!ok) return 2;
  printf("lspid %d\nlrpid %d\nself %d\n", (int)ds.msg_lspid, (int)ds.msg_lrpid, (int)getpid());
  return 0;
}
