import type { Request, Response } from "express";
import { integerParam, maxId } from "./request-body.ts";

export const maxPageSize = 100;

export type Page = { page: number; pageSize: number; offset: number };

/**
 * `page` (from 1, default 1) and `page_size` (default 10, at most 100), as Harbor. Go clients send their zero values
 * (harbor-cli lists with `page=0&page_size=0`): Harbor reads page 0 as the first, and size 0 as everything, which
 * Wharf bounds to its largest page (the Link header names the next).
 */
export function parsePage(req: Request): Page {
	// The page bound keeps the offset a number both databases take (1e20 made SQLite and Postgres fail).
	const page =
		req.query.page === undefined
			? 1
			: integerParam(req.query.page, "page", 0, maxId) || 1;
	const pageSize =
		req.query.page_size === undefined
			? 10
			: integerParam(req.query.page_size, "page_size", 0, maxPageSize) ||
				maxPageSize;
	return { page, pageSize, offset: (page - 1) * pageSize };
}

/** Sends a page with `X-Total-Count` and Harbor's `Link` header (prev/next with the request's other parameters). */
export function sendPage<T>(
	req: Request,
	res: Response,
	items: T[],
	total: number,
	page: Page,
) {
	res.set("X-Total-Count", String(total));
	const link = (p: number) => {
		const params = new URLSearchParams(req.query as Record<string, string>);
		params.set("page", String(p));
		params.set("page_size", String(page.pageSize));
		return `<${req.baseUrl}${req.path}?${params.toString()}>`;
	};
	const links: string[] = [];
	if (page.page > 1) links.push(`${link(page.page - 1)}; rel="prev"`);
	if (page.page * page.pageSize < total)
		links.push(`${link(page.page + 1)}; rel="next"`);
	if (links.length) res.set("Link", links.join(" , "));
	res.json(items);
}
