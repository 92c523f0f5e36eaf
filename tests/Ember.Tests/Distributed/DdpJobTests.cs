using Xunit;

namespace Ember.Tests.Distributed;

/// <summary>
/// DistributedDataParallel in real MPI jobs (tests/Ember.DistChild/Scenarios.Ddp.cs): LeNet and an MLP trained
/// for 50 steps with the global batch split across 2 and 3 ranks end with the weights of single-process
/// training on the whole batch (within 1e-6 relative, in float32); NoSync accumulation equals one large batch;
/// unused parameters.
/// </summary>
[Collection("mpi jobs")]
public class DdpJobTests
{
    [MpiFact]
    public void MlpOnTwoRanksMatchesOneProcess() => MpiJob.RunOk(2, "ddp", "mlp", "float32");

    [MpiFact]
    public void MlpOnThreeRanksMatchesOneProcess() => MpiJob.RunOk(3, "ddp", "mlp", "float32");

    [MpiFact]
    public void MlpInFloat64MatchesOneProcess() => MpiJob.RunOk(2, "ddp", "mlp", "float64");

    [MpiFact]
    public void LeNetOnTwoRanksMatchesOneProcess() => MpiJob.RunOk(2, "ddp", "lenet", "float32");

    [MpiFact]
    public void LeNetOnThreeRanksMatchesOneProcess() => MpiJob.RunOk(3, "ddp", "lenet", "float32");

    [MpiFact]
    public void NoSyncAccumulationEqualsOneLargeBatchOnTwoRanks() => MpiJob.RunOk(2, "ddp", "mlp", "float32", "nosync");

    [MpiFact]
    public void NoSyncAccumulationEqualsOneLargeBatchOnThreeRanks() => MpiJob.RunOk(3, "ddp", "lenet", "float32", "nosync");

    [MpiFact]
    public void UnusedParametersAreFoundOrNamed() => MpiJob.RunOk(2, "unused");
}
