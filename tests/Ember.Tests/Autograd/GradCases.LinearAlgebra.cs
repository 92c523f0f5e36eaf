using Ember.NN;
namespace Ember.Tests.Autograd;

public static partial class GradCases
{
    private static IEnumerable<GradCase> LinearAlgebraCases()
    {
        // matmul: the forms PyTorch dispatches to dot / mv / mm record those rules...
        yield return Case("Dot", "matmul 1-D · 1-D", x => x[0].MatMul(x[1]), () => [R(4), R(4)], gradGrad: true);
        yield return Case("Mv", "matmul 2-D · 1-D", x => x[0].MatMul(x[1]), () => [R(3, 4), R(4)], gradGrad: true);
        yield return Case("Mm", "matmul 2-D · 2-D", x => x[0].MatMul(x[1]), () => [R(2, 3), R(3, 4)], gradGrad: true);
        // F.Linear with a bias on a contiguous input: one addmm (x, W, b); 3-D input through its rows; 1 row (the matrix-vector path).
        yield return Case("Addmm", "linear 2-D", x => F.Linear(x[0], x[1], x[2]), () => [R(3, 4), R(5, 4), R(5)], gradGrad: true);
        yield return Case("Addmm", "linear 3-D input", x => F.Linear(x[0], x[1], x[2]), () => [R(2, 3, 4), R(5, 4), R(5)], gradGrad: true);
        yield return Case("Addmm", "linear one row, non-contiguous weight", x => F.Linear(x[0], x[1], x[2]), () => [R(1, 4), NC(5, 4), R(5)], gradGrad: true);
        yield return Case("Mm", "matmul 2-D · 2-D, transposed and non-contiguous", x => x[0].MatMul(x[1]), () => [T(2, 3), NC(3, 4)], gradGrad: true);
        // ...and the rest record MatmulBackward0.
        yield return Case("MatMul", "1-D · 2-D", x => x[0].MatMul(x[1]), () => [R(3), R(3, 4)], gradGrad: true);
        yield return Case("MatMul", "1-D · 3-D", x => x[0].MatMul(x[1]), () => [R(3), R(2, 3, 4)], gradGrad: true);
        yield return Case("MatMul", "3-D · 1-D", x => x[0].MatMul(x[1]), () => [R(2, 3, 4), R(4)], gradGrad: true);
        // N-D · 2-D folds the batch into the rows (one mm under a view), as PyTorch does.
        yield return Case("Mm", "3-D · 2-D (batch broadcast)", x => x[0].MatMul(x[1]), () => [R(2, 3, 4), R(4, 2)], gradGrad: true);
        yield return Case("MatMul", "2-D · 3-D (batch broadcast)", x => x[0].MatMul(x[1]), () => [R(3, 4), R(2, 4, 2)], gradGrad: true);
        yield return Case("MatMul", "3-D · 3-D same batch", x => x[0].MatMul(x[1]), () => [R(2, 3, 4), R(2, 4, 2)], gradGrad: true);
        yield return Case("MatMul", "[2,1,3,4] · [3,4,2] broadcast batch dims", x => x[0].MatMul(x[1]), () => [R(2, 1, 3, 4), R(3, 4, 2)], gradGrad: true);
        yield return Case("MatMul", "batched, transposed and non-contiguous", x => x[0].MatMul(x[1]), () => [T(2, 3, 4), NC(1, 4, 2)], gradGrad: true);
        yield return Case("MatMul", "batched, constant second operand", x => x[0].MatMul(x[1]), () => [R(2, 3, 4), C(4, 2).Expand(2, 4, 2)]);
        yield return Case("Mm", "batched, only the second operand requires grad", x => x[0].MatMul(x[1]), () => [C(2, 3, 4), R(4, 2)]);

        yield return Case("Mm", "mm", x => x[0].Mm(x[1]), () => [R(3, 2), R(2, 4)], gradGrad: true);
        yield return Case("Mm", "mm, transposed and non-contiguous", x => Tensor.Mm(x[0], x[1]), () => [NC(3, 2), T(2, 4)]);
        yield return Case("Mm", "mm by a constant", x => x[0].Mm(x[1]), () => [R(3, 2), C(2, 4)], gradGrad: true);
        yield return Case("Mm", "batched with an empty batch", x => x[0].MatMul(x[1]), () => [R(0, 3, 4), R(4, 2)]);
        yield return Case("Mm", "mm with an empty inner dim", x => x[0].Mm(x[1]), () => [R(3, 0), R(0, 2)]);

        yield return Case("Bmm", "bmm", x => x[0].Bmm(x[1]), () => [R(2, 3, 2), R(2, 2, 4)], gradGrad: true);
        yield return Case("Bmm", "bmm, transposed and non-contiguous", x => Tensor.Bmm(x[0], x[1]), () => [T(2, 3, 2), NC(2, 2, 4)], gradGrad: true);
        yield return Case("Bmm", "bmm of an expanded constant", x => x[0].Bmm(x[1]), () => [R(2, 3, 2), C(1, 2, 4).Expand(2, 2, 4)]);

        yield return Case("Mv", "mv", x => x[0].Mv(x[1]), () => [R(3, 4), R(4)], gradGrad: true);
        yield return Case("Mv", "mv, transposed matrix and non-contiguous vector", x => Tensor.Mv(x[0], x[1]), () => [T(3, 4), NC(4)], gradGrad: true);

        yield return Case("Dot", "dot", x => x[0].Dot(x[1]), () => [R(5), R(5)], gradGrad: true);
        yield return Case("Dot", "dot, non-contiguous", x => Tensor.Dot(x[0], x[1]), () => [NC(5), R(5)], gradGrad: true);
        yield return Case("Dot", "dot with itself", x => x[0].Dot(x[0]), () => [R(4)], gradGrad: true);

        yield return Case("Outer", "outer", x => x[0].Outer(x[1]), () => [R(3), R(4)], gradGrad: true);
        yield return Case("Outer", "outer, non-contiguous, by a constant", x => Tensor.Outer(x[0], x[1]), () => [NC(3), C(2)]);
        yield return Case("Outer", "outer with a float32 operand (promotes)", x => x[0].Outer(x[1]), () => [R(3), C(2).To(DType.Float32)]);
    }
}
