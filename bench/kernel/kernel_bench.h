#ifndef KERNEL_BENCH_H
#define KERNEL_BENCH_H

int kernel_bench_run(void);

#endif
