import { randomUUID } from "node:crypto";
import {
	cloudEventType,
	type EventType,
	type NotifyType,
	type PayloadFormat,
	type testEventType,
} from "./event-types.ts";

/** Harbor's Default payload: what every format is built from. */
export type HookPayload = {
	type: EventType | typeof testEventType;
	/** Unix seconds. */
	occur_at: number;
	operator: string;
	event_data: Record<string, unknown>;
};

export type FormattedBody = { contentType: string; body: string };

/** Where an event came from, as CloudEvents' `source` names it. */
export type HookSource = {
	projectId: number;
	policyId: number;
	requestId: string;
};

/**
 * The body a target receives: the Default payload as JSON; CloudEvents 1.0 in structured mode (the event data as
 * `data`, Harbor's `requestid` and `operator` extensions); for Slack, a Block Kit message with the event in it.
 * Formatted once when the event comes, so every retry sends the same bytes (and the same CloudEvents id).
 */
export function formatPayload(
	p: HookPayload,
	target: { type: NotifyType; payload_format: PayloadFormat },
	source: HookSource,
): FormattedBody {
	if (target.type === "slack")
		return {
			contentType: "application/json",
			body: JSON.stringify(slackMessage(p)),
		};
	if (target.payload_format === "CloudEvents") {
		return {
			contentType: "application/cloudevents+json",
			body: JSON.stringify({
				specversion: "1.0",
				id: randomUUID(),
				requestid: source.requestId,
				source: `/projects/${source.projectId}/webhook/policies/${source.policyId}`,
				type: cloudEventType[p.type],
				datacontenttype: "application/json",
				time: new Date(p.occur_at * 1000).toISOString().replace(".000Z", "Z"),
				data: p.event_data,
				operator: p.operator,
			}),
		};
	}
	return { contentType: "application/json", body: JSON.stringify(p) };
}

const section = (text: string) => ({
	type: "section",
	text: { type: "mrkdwn", text },
});

/** Harbor's Slack message: a title, the event type, when (Slack's date token), who, and the event data as code. */
function slackMessage(p: HookPayload) {
	const when = new Date(p.occur_at * 1000).toISOString();
	return {
		blocks: [
			section("*Harbor webhook events*"),
			section(`*event_type:* ${p.type}`),
			section(`*occur_at:* <!date^${p.occur_at}^{date} at {time}|${when}>`),
			section(`*operator:* ${p.operator}`),
			section("*event_data:*"),
			section(`\`\`\`${JSON.stringify(p.event_data)}\`\`\``),
		],
	};
}
