// Runs one distributed scenario per process under mpirun; see Scenarios.cs. A failed check throws, which
// Ember.Distributed turns into MPI_Abort, so mpirun exits non-zero and prints the failing rank's message.
using Ember.Distributed;
using DistChild;

string scenario = args.Length > 0 ? args[0] : throw new ArgumentException("usage: Ember.DistChild SCENARIO [args]");
Distributed.InitProcessGroup("mpi");
int rank = Distributed.GetRank();
int checks = Scenarios.Run(scenario, args[1..]);
Distributed.Barrier();
Console.WriteLine($"rank {rank}: {scenario} ok ({checks} checks)");
Distributed.DestroyProcessGroup();
