import {
	type QueryKey,
	useMutation,
	useQueryClient,
} from "@tanstack/react-query";

/**
 * A mutation that, once it succeeds, refreshes every query under each of `keys`, and settles when they have answered.
 * A mutation with more to do on success (dropping queries, refreshing by predicate) writes its own `onSuccess`.
 */
export function useInvalidatingMutation<V, R>(
	fn: (v: V) => Promise<R>,
	keys: readonly QueryKey[],
) {
	const qc = useQueryClient();
	return useMutation({
		mutationFn: fn,
		onSuccess: () =>
			Promise.all(keys.map((queryKey) => qc.invalidateQueries({ queryKey }))),
	});
}
