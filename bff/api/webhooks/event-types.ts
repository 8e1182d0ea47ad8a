/**
 * Harbor's webhook event types, notify types and payload formats (GET /projects/{p}/webhook/events). Scanning events
 * are accepted in policies and fire once scanning exists in Wharf.
 */
export const eventTypes = [
	"PUSH_ARTIFACT",
	"PULL_ARTIFACT",
	"DELETE_ARTIFACT",
	"QUOTA_EXCEED",
	"QUOTA_WARNING",
	"REPLICATION",
	"TAG_RETENTION",
	"SCANNING_COMPLETED",
	"SCANNING_FAILED",
	"SCANNING_STOPPED",
] as const;
export type EventType = (typeof eventTypes)[number];

export const notifyTypes = ["http", "slack"] as const;
export type NotifyType = (typeof notifyTypes)[number];

export const payloadFormats = ["Default", "CloudEvents"] as const;
export type PayloadFormat = (typeof payloadFormats)[number];

/** Which formats each notify type sends: Slack gets its own message, built from the Default payload. */
export const formatsOf: Record<NotifyType, PayloadFormat[]> = {
	http: ["Default", "CloudEvents"],
	slack: ["Default"],
};

/** What "send a test event" sends (not one of Harbor's event types, which no policy subscribes to). */
export const testEventType = "TEST";

/** CloudEvents `type` for each Harbor event type (Harbor's mapping, prefix `harbor.`). */
export const cloudEventType: Record<EventType | typeof testEventType, string> =
	{
		PUSH_ARTIFACT: "harbor.artifact.pushed",
		PULL_ARTIFACT: "harbor.artifact.pulled",
		DELETE_ARTIFACT: "harbor.artifact.deleted",
		QUOTA_EXCEED: "harbor.quota.exceeded",
		QUOTA_WARNING: "harbor.quota.warned",
		REPLICATION: "harbor.replication.status.changed",
		TAG_RETENTION: "harbor.tag_retention.finished",
		SCANNING_COMPLETED: "harbor.scan.completed",
		SCANNING_FAILED: "harbor.scan.failed",
		SCANNING_STOPPED: "harbor.scan.stopped",
		TEST: "harbor.test",
	};
