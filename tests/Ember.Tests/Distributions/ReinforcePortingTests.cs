using Ember.Distributions;
using Ember.NN;
using Ember.Optim;
using Xunit;

namespace Ember.Tests.Distributions;

/// <summary>
/// pytorch/examples reinforcement_learning/reinforce.py, ported line by line (no casts), on a tiny
/// deterministic corridor instead of gym's CartPole: the policy must learn to walk right.
/// </summary>
[Collection("DefaultGenerator")]   // seeds and draws from the default generator: its result depends on the stream
public class ReinforcePortingTests
{
    /// <summary>A corridor of 7 cells: start in cell 0, action 1 steps right, action 0 steps left; reward 1 on reaching cell 6, at most 30 steps (a random walk needs about 36).</summary>
    private sealed class Corridor
    {
        public const int Goal = 6;
        private int _pos;
        public float[] Reset() { _pos = 0; return State(); }
        public (float[] State, double Reward, bool Done) Step(int action)
        {
            _pos = Math.Max(0, _pos + (action == 1 ? 1 : -1));
            bool done = _pos == Goal;
            return (State(), done ? 1.0 : 0.0, done);
        }
        private float[] State() => [_pos / (float)Goal, 1 - _pos / (float)Goal, _pos % 2, 1];
    }

    private sealed class Policy : Module<Tensor, Tensor>
    {
        private readonly Linear affine1 = new(4, 128);
        private readonly Dropout dropout = new(p: 0.6);
        private readonly Linear affine2 = new(128, 2);
        public readonly List<Tensor> SavedLogProbs = [];
        public readonly List<double> Rewards = [];

        public override Tensor Forward(Tensor x)
        {
            x = affine1.Call(x);
            x = dropout.Call(x);
            x = F.Relu(x);
            var actionScores = affine2.Call(x);
            return F.Softmax(actionScores, dim: 1);
        }
    }

    [Fact]
    public void ReinforceWithCategoricalLearnsTheCorridor()
    {
        Tensor.ManualSeed(543);
        const double gamma = 0.99;
        var policy = new Policy();
        var optimizer = new Adam(policy.Parameters(), lr: 1e-2);
        double eps = Tensor.FInfo(DType.Float32).Eps;
        var env = new Corridor();

        int SelectAction(float[] s)
        {
            var state = Tensor.From(s).Unsqueeze(0);
            var probs = policy.Call(state);
            var m = new Categorical(probs);
            var action = m.Sample();
            policy.SavedLogProbs.Add(m.LogProb(action));
            return (int)action.ToInt64();
        }

        void FinishEpisode()
        {
            double R = 0;
            var policyLoss = new List<Tensor>();
            var returns = new LinkedList<double>();
            for (int i = policy.Rewards.Count - 1; i >= 0; i--)
            {
                R = policy.Rewards[i] + gamma * R;
                returns.AddFirst(R);
            }
            var ret = Tensor.From(returns.ToArray(), DType.Float32);
            ret = (ret - ret.Mean()) / (ret.Std() + eps);
            // zip(saved_log_probs, returns): Tensor iterates with foreach but is not an IEnumerable<Tensor>, so index.
            for (int i = 0; i < policy.SavedLogProbs.Count; i++)
                policyLoss.Add(-policy.SavedLogProbs[i] * ret[i]);
            optimizer.ZeroGrad();
            var loss = Tensor.Cat(policyLoss).Sum();
            loss.Backward();
            optimizer.Step();
            policy.Rewards.Clear();
            policy.SavedLogProbs.Clear();
        }

        var lengths = new List<int>();
        for (int episode = 0; episode < 150; episode++)
        {
            var state = env.Reset();
            int t = 1;
            for (; t < 30; t++)
            {
                int action = SelectAction(state);
                (state, double reward, bool done) = env.Step(action);
                policy.Rewards.Add(reward);
                if (done) break;
            }
            lengths.Add(t);
            FinishEpisode();
        }
        double first = lengths.Take(20).Average(), last = lengths.TakeLast(20).Average();
        Assert.True(last < 0.7 * first && last <= Corridor.Goal + 1, $"episode lengths did not improve: first 20 average {first}, last 20 average {last}");
    }
}
