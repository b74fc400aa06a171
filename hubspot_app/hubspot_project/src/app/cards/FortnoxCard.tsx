// The Fortnox card on contacts and companies. It only talks to the service's card back end
// through hubspot.fetch (signed by HubSpot; the portal is the one HubSpot appends).
import React, { useEffect, useState } from "react";
import {
  Alert,
  Button,
  Flex,
  Link,
  LoadingSpinner,
  Statistics,
  StatisticsItem,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  Text,
  hubspot,
} from "@hubspot/ui-extensions";

const BASE_URL = "${PUBLIC_BASE_URL}";
const FINANCIALS_URL = `${BASE_URL}/hubspot/cards/financials/`;
const CUSTOMER_URL = `${BASE_URL}/hubspot/cards/customer/`;

hubspot.extend(({ context, actions }) => <FortnoxCard context={context} actions={actions} />);

const FortnoxCard = ({ context, actions }) => {
  const record = { objectId: context.crm.objectId, objectType: context.crm.objectTypeId };
  const [data, setData] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");

  const call = async (url, options) => {
    setBusy(true);
    setError("");
    try {
      const response = await hubspot.fetch(url, { timeout: 15000, ...options });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
      return body;
    } catch (problem) {
      setError(String(problem.message || problem));
      return null;
    } finally {
      setBusy(false);
    }
  };
  const query = `?objectId=${record.objectId}&objectType=${record.objectType}`;
  const load = async () => setData(await call(`${FINANCIALS_URL}${query}`, { method: "GET" }));
  const performSync = async () =>
    setData(await call(FINANCIALS_URL, { method: "POST", body: record }));
  const updateCustomer = async () => {
    const answer = await call(CUSTOMER_URL, { method: "POST", body: record });
    if (answer) {
      actions.addAlert({ type: "success", message: `Fortnox customer ${answer.customer_number}` });
      await load();
    }
  };

  useEffect(() => {
    load();
  }, []);

  if (busy && !data) return <LoadingSpinner label="Reading Fortnox" />;
  return (
    <Flex direction="column" gap="sm">
      {error && <Alert title="Fortnox" variant="error">{error}</Alert>}
      {data && !data.customer_number && (
        <>
          <Text>{data.message}</Text>
          <Button onClick={updateCustomer} disabled={busy}>Update customer in Fortnox</Button>
        </>
      )}
      {data && data.customer_number && (
        <>
          <Text format={{ fontWeight: "bold" }}>Fortnox customer {data.customer_number}</Text>
          {Object.entries(data.currencies || {}).map(([currency, sums]) => (
            <Statistics key={currency}>
              <StatisticsItem label={`Invoiced (${currency})`} number={sums.invoiced} />
              <StatisticsItem label={`Unpaid (${currency})`} number={sums.unpaid} />
              <StatisticsItem label={`Overdue (${currency})`} number={sums.overdue} />
            </Statistics>
          ))}
          <Table>
            <TableHead>
              <TableRow>
                <TableHeader>Invoice</TableHeader>
                <TableHeader>Status</TableHeader>
                <TableHeader>Due</TableHeader>
                <TableHeader>Total</TableHeader>
              </TableRow>
            </TableHead>
            <TableBody>
              {(data.latest || []).map((row) => (
                <TableRow key={row.number}>
                  <TableCell><Link href={row.url}>{row.number}</Link></TableCell>
                  <TableCell>{row.status}</TableCell>
                  <TableCell>{row.due_date}</TableCell>
                  <TableCell>{row.total} {row.currency}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Flex gap="sm">
            <Button onClick={performSync} disabled={busy}>Perform sync</Button>
            <Button onClick={updateCustomer} disabled={busy}>Update customer in Fortnox</Button>
          </Flex>
        </>
      )}
    </Flex>
  );
};
