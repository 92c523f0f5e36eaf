/* The reference for Ember's all-reduce figures: the same loop in plain C against the same Open MPI
   (mpicc -O2 allreduce.c -o /tmp/allreduce_c; mpirun -np 2 /tmp/allreduce_c). Prints one line per size:
   "c allreduce BYTES bytes: US us/op". */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    for (long bytes = 1024; bytes <= 64L * 1024 * 1024; bytes *= 4) {
        int n = (int)(bytes / 4);
        float *buf = malloc(bytes);
        for (int i = 0; i < n; i++) buf[i] = 1.0f;
        int iters = bytes <= 65536 ? 2000 : bytes <= 4 * 1024 * 1024 ? 100 : 10;
        for (int i = 0; i < iters / 10 + 1; i++) MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        MPI_Barrier(MPI_COMM_WORLD);
        double t0 = MPI_Wtime();
        for (int i = 0; i < iters; i++) MPI_Allreduce(MPI_IN_PLACE, buf, n, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        double us = (MPI_Wtime() - t0) / iters * 1e6;
        if (rank == 0) printf("c allreduce %ld bytes: %.1f us/op\n", bytes, us);
        free(buf);
    }
    MPI_Finalize();
    return 0;
}
