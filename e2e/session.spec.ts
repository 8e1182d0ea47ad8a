import { expect, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { adminPassword } from './playwright.config.ts';

async function signIn(page: import('@playwright/test').Page, password = adminPassword) {
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('signing in returns to the page the user asked for, and signing out ends the session', async ({ page }) => {
  await page.goto('/projects?q=lib');
  await expect(page).toHaveURL(/\/sign-in\?redirect=/);
  await signIn(page);
  await expect(page).toHaveURL(/\/projects\?q=lib$/);
  await expect(page.getByTestId('current-user')).toHaveText('admin');
  await page.screenshot({ path: 'test-results/screens/projects.png', fullPage: true });
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto('/projects');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('a wrong password is said in plain words', async ({ page }) => {
  await page.goto('/sign-in');
  await signIn(page, 'wrong-password');
  await expect(page.getByRole('alert')).toHaveText('Sign-in failed: invalid username or password');
});

test('the console switches to 简体中文', async ({ page }) => {
  await page.goto('/sign-in');
  await signIn(page);
  await page.getByTestId('language').selectOption('zh-CN');
  await expect(page.getByRole('link', { name: '项目' })).toBeVisible();
  await expect(page.getByRole('button', { name: '退出登录' })).toBeVisible();
  await page.getByTestId('language').selectOption('en');
});

test('the sign-in page and the shell pass an axe scan with no serious violation', async ({ page }) => {
  await page.goto('/sign-in');
  const signInScan = await new AxeBuilder({ page }).analyze();
  expect(signInScan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
  await signIn(page);
  await expect(page.getByTestId('current-user')).toBeVisible();
  const shellScan = await new AxeBuilder({ page }).analyze();
  expect(shellScan.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);
});
