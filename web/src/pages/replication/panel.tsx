import type { ReactNode } from "react";
import { Button } from "../../components/button.tsx";

/** A section below the rules (a rule's executions, an execution's tasks): its heading and a button that hides it. */
export function Panel({
	id,
	title,
	level,
	hideLabel,
	onHide,
	children,
}: {
	id: string;
	title: string;
	level: 2 | 3;
	hideLabel: string;
	onHide: () => void;
	children: ReactNode;
}) {
	const Heading = level === 2 ? "h2" : "h3";
	return (
		<section aria-labelledby={id} className={level === 2 ? "mt-8" : "mt-6"}>
			<div className="mb-2 flex flex-wrap items-center justify-between gap-2">
				<Heading
					id={id}
					className={
						level === 2 ? "text-lg font-semibold" : "text-base font-semibold"
					}
				>
					{title}
				</Heading>
				<Button variant="secondary" onClick={onHide}>
					{hideLabel}
				</Button>
			</div>
			{children}
		</section>
	);
}
