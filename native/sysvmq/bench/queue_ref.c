/* C reference for the queue benchmarks: the same loops as the Node side, with
 * plain msgsnd(2)/msgrcv(2) and a fixed struct. Prints one JSON line.
 *
 *   queue_ref sync SIZE SECONDS        one process: msgsnd+msgrcv (IPC_NOWAIT) in a loop
 *   queue_ref produce KEY SIZE COUNT   sends COUNT messages of type 1 (blocking)
 *   queue_ref consume KEY SIZE COUNT   receives COUNT messages; times first to last
 *   queue_ref ping KEY SIZE COUNT [WARMUP]
 *                                      WARMUP untimed round trips, then COUNT timed ones:
 *                                      send type 1, wait for type 2
 *   queue_ref pong KEY SIZE COUNT      prints "ready", answers COUNT pings: wait for type 1,
 *                                      send type 2 (COUNT includes the pinger's warm-up)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <time.h>

#define MAX_PAYLOAD 8192

struct message {
  long type;
  char data[MAX_PAYLOAD];
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what) {
  fprintf(stderr, "%s: %s\n", what, strerror(errno));
  exit(1);
}

static int open_queue(const char *key_text) {
  int id = msgget((key_t)strtol(key_text, NULL, 0), 0);
  if (id == -1) die("msgget");
  return id;
}

static struct message message;

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: see the comment at the top of queue_ref.c\n");
    return 2;
  }
  const char *mode = argv[1];
  if (strcmp(mode, "sync") == 0) {
    size_t size = (size_t)atol(argv[2]);
    double seconds = atof(argv[3]);
    int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
    if (id == -1) die("msgget");
    memset(message.data, 'x', size);
    long count = 0;
    double start = now(), elapsed = 0;
    do {
      for (int i = 0; i < 4096; i++) {
        message.type = 1;
        if (msgsnd(id, &message, size, IPC_NOWAIT) == -1) die("msgsnd");
        if (msgrcv(id, &message, MAX_PAYLOAD, 0, IPC_NOWAIT) == -1) die("msgrcv");
      }
      count += 4096;
      elapsed = now() - start;
    } while (elapsed < seconds);
    msgctl(id, IPC_RMID, NULL);
    printf("{\"count\":%ld,\"seconds\":%.6f}\n", count, elapsed);
    return 0;
  }
  if (argc < 5) {
    fprintf(stderr, "%s needs KEY SIZE COUNT\n", mode);
    return 2;
  }
  int id = open_queue(argv[2]);
  size_t size = (size_t)atol(argv[3]);
  long count = atol(argv[4]);
  memset(message.data, 'x', size);
  if (strcmp(mode, "produce") == 0) {
    for (long i = 0; i < count; i++) {
      message.type = 1;
      while (msgsnd(id, &message, size, 0) == -1) {
        if (errno != EINTR) die("msgsnd");
      }
    }
    printf("{\"count\":%ld}\n", count);
    return 0;
  }
  if (strcmp(mode, "consume") == 0) {
    double first = 0;
    for (long i = 0; i < count; i++) {
      while (msgrcv(id, &message, MAX_PAYLOAD, 0, 0) == -1) {
        if (errno != EINTR) die("msgrcv");
      }
      if (i == 0) first = now();
    }
    printf("{\"count\":%ld,\"seconds\":%.6f}\n", count - 1, now() - first);
    return 0;
  }
  if (strcmp(mode, "ping") == 0 || strcmp(mode, "pong") == 0) {
    int ping = strcmp(mode, "ping") == 0;
    long warmup = ping && argc > 5 ? atol(argv[5]) : 0;
    if (!ping) {
      printf("ready\n");
      fflush(stdout);
    }
    double start = now();
    for (long i = -warmup; i < count; i++) {
      if (i == 0) start = now();
      if (ping) {
        message.type = 1;
        if (msgsnd(id, &message, size, 0) == -1) die("msgsnd");
        if (msgrcv(id, &message, MAX_PAYLOAD, 2, 0) == -1) die("msgrcv");
      } else {
        if (msgrcv(id, &message, MAX_PAYLOAD, 1, 0) == -1) die("msgrcv");
        message.type = 2;
        if (msgsnd(id, &message, size, 0) == -1) die("msgsnd");
      }
    }
    printf("{\"count\":%ld,\"seconds\":%.6f}\n", count, now() - start);
    return 0;
  }
  fprintf(stderr, "unknown mode %s\n", mode);
  return 2;
}
